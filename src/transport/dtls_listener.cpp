#include "transport/dtls_listener.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include "transport/tls_context.hpp"

namespace reload::transport {

using boost::system::error_code;

DtlsListener::DtlsListener(asio::any_io_executor ex, asio::ssl::context& dtls, crypto::CertificateCache& trust,
                           DtlsSrLimits limits, HandshakeLimits handshakes, UdpDemuxLimits flows)
    : demux_(std::make_shared<UdpDemux>(std::move(ex), flows)),
      dtls_(dtls),
      trust_(trust),
      limits_(limits),
      handshake_limits_(handshakes),
      handshaking_(handshakes.in_all, handshakes.handshake_stale) {}

error_code DtlsListener::listen(const asio::ip::udp::endpoint& at) { return demux_->open(at); }

void DtlsListener::start(OnLink on_link) {
  on_link_ = std::move(on_link);
  demux_->start([weak = weak_from_this()](std::unique_ptr<ByteChannel> flow, std::uint64_t id,
                                          asio::ip::udp::endpoint from) {
    auto self = weak.lock();
    if (!self) return;
    auto ex = flow->get_executor();
    asio::co_spawn(ex, self->serve(std::move(flow), id, from.address()), asio::detached);
  });
}

void DtlsListener::stop() {
  demux_->stop();
  asio::post(demux_->get_executor(), [dropped = std::move(on_link_)] {});
  on_link_ = nullptr;
}

asio::awaitable<void> DtlsListener::serve(std::unique_ptr<ByteChannel> flow, std::uint64_t id,
                                          asio::ip::address from) {
  auto self = shared_from_this();
  // A refused flow closes here; the client's retransmission finds no one, and tries again.
  auto& mine = handshaking_from_[from];
  if (mine >= handshake_limits_.per_address) {
    ++refused_;
    co_return;
  }
  auto admission = handshaking_.enter(id, AdmissionStage::TimePoint::clock::now());
  if (admission.evict) demux_->abort(*admission.evict);
  if (!admission.ticket) {
    if (mine == 0) handshaking_from_.erase(from);
    ++refused_;
    co_return;
  }
  ++mine;
  TlsSocket socket(std::move(flow), dtls_);
  if (auto* ssl = socket.native_handle()) require_cookie_exchange(ssl);  // none: open() reports it
  auto link = co_await DtlsSrLink::open(std::move(socket), asio::ssl::stream_base::server, trust_, std::nullopt,
                                        limits_, std::nullopt, wire::OverlayLinkType::dtls_udp_sr_no_ice);
  handshaking_.leave(*admission.ticket);
  if (auto it = handshaking_from_.find(from); it != handshaking_from_.end() && --it->second == 0)
    handshaking_from_.erase(it);
  if (on_link_) on_link_(std::move(link));
}

}  // namespace reload::transport
