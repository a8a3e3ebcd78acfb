// OverlayNode's links without ICE (RFC 6940 section 6.5.1.11): to a bootstrap node (section
// 11.4) and by a No-ICE Attach. They are TLS-TCP-FH-NO-ICE (section 6.6.5) or, when the
// document's first overlay-link-protocol names DTLS, DTLS-UDP-SR-NO-ICE (section 6.6.4): then
// an overlay that uses ICE has no TCP link at all. The node listens on TCP, and also on UDP
// at the same port where links may be DTLS, since a bootstrap-node element names one port.
#include <boost/algorithm/string/predicate.hpp>
#include <fmt/format.h>

#include "node/overlay_node.hpp"
#include "transport/dtls_listener.hpp"
#include "transport/udp_channel.hpp"

namespace reload::node {

using boost::system::error_code;
using wire::NodeId;

bool OverlayNode::links_over_dtls() const noexcept {
  // RFC 6940's registry names only "TLS" (TLS and DTLS alike); "DTLS" or "DTLS-UDP-SR" first
  // is this project's way for a document to ask for datagram links.
  const auto& protocols = options_.configuration.overlay_link_protocols;
  return !protocols.empty() && boost::algorithm::istarts_with(protocols.front(), "DTLS");
}

wire::OverlayLinkType OverlayNode::no_ice_link_type() const noexcept {
  return links_over_dtls() ? wire::OverlayLinkType::dtls_udp_sr_no_ice : wire::OverlayLinkType::tls_tcp_fh_no_ice;
}

transport::DtlsSrLimits OverlayNode::dtls_limits() const {
  transport::DtlsSrLimits limits;
  limits.handshake_timeout = limits_.handshake_timeout;
  return limits;
}

error_code OverlayNode::open_listeners() {
  // With port 0 the UDP socket takes the port TCP's got; where that is taken for UDP, both
  // try again.
  constexpr int attempts = 16;
  error_code ec;
  for (int i = 0; i < attempts; ++i) {
    listener_ = std::make_shared<transport::Listener>(ex_, *tls_, trust_, limits_);
    if ((ec = listener_->listen(options_.listen))) return ec;
    if (!links_over_dtls()) return {};
    dtls_listener_ = std::make_shared<transport::DtlsListener>(ex_, dtls_context(), trust_, dtls_limits());
    const auto at = listen_endpoint();
    if (!(ec = dtls_listener_->listen({at.address(), at.port()}))) return {};
    listener_.reset();
    dtls_listener_.reset();
    if (options_.listen.port() != 0 || ec != asio::error::address_in_use) return ec;
  }
  return ec;
}

asio::awaitable<boost::system::result<std::shared_ptr<transport::Link>>> OverlayNode::connect_no_ice(
    asio::ip::tcp::endpoint to, wire::OverlayLinkType type, std::optional<NodeId> expected) {
  if (type != wire::OverlayLinkType::dtls_udp_sr_no_ice) {
    auto link = co_await transport::TlsLink::connect(to, *tls_, trust_, expected, limits_);
    if (!link) co_return link.error();
    co_return std::shared_ptr<transport::Link>(std::move(*link));
  }
  auto channel = transport::UdpChannel::connect(ex_, {to.address(), to.port()});
  if (!channel) co_return channel.error();
  // The dialling side is the DTLS client, as the TLS/TCP dialler is the TLS client.
  auto link = co_await transport::DtlsSrLink::open(transport::TlsSocket(std::move(*channel), dtls_context()),
                                                   asio::ssl::stream_base::client, trust_, expected, dtls_limits(),
                                                   std::nullopt, type);
  if (!link) co_return link.error();
  co_return std::shared_ptr<transport::Link>(std::move(*link));
}

}  // namespace reload::node
