#include "xmpp/stream_handshake.hpp"

#include <boost/asio/error.hpp>

#include "transport/authenticated_handshake.hpp"

namespace reload::xmpp {

using boost::system::error_code;

SocketDeadline::SocketDeadline(asio::ip::tcp::socket& socket, std::chrono::milliseconds timeout)
    : timer_(socket.get_executor(), timeout), state_(std::make_shared<State>()) {
  timer_.async_wait([&socket, state = state_](error_code ec) {
    if (ec || !state->armed) return;  // the operation finished in time
    state->expired = true;
    socket.close(ec);
  });
}

SocketDeadline::~SocketDeadline() {
  state_->armed = false;
  timer_.cancel();
}

asio::awaitable<boost::system::result<StreamPeer>> handshake_stream_peer(
    StreamSession::Stream& stream, asio::ssl::stream_base::handshake_type role,
    crypto::CertificateCache& trust, const std::optional<wire::NodeId>& expected, std::chrono::milliseconds timeout) {
  auto identity = co_await transport::authenticated_handshake(stream, role, trust, expected, timeout);
  if (!identity) co_return identity.error();
  auto peer = stream_peer_of(std::move(*identity));
  if (!peer) stream.close();  // no XMPP address to hold its stream to: nothing more is said
  co_return peer;
}

}  // namespace reload::xmpp
