#include "xmpp/stream_handshake.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace reload::xmpp {

using boost::system::error_code;

SocketDeadline::SocketDeadline(StreamSession::Stream& stream, std::chrono::milliseconds timeout)
    : timer_(stream.get_executor(), timeout), state_(std::make_shared<State>()) {
  timer_.async_wait([&socket = stream.lowest_layer(), state = state_](error_code ec) {
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
    crypto::CertificateCache& trust, const std::optional<wire::NodeId>& expected,
    const SocketDeadline& deadline) {
  error_code ec;
  co_await stream.async_handshake(role, asio::redirect_error(asio::use_awaitable, ec));
  if (deadline.expired()) co_return asio::error::timed_out;
  if (ec) {
    stream.lowest_layer().close(ec);
    co_return ec;
  }
  auto peer = verify_stream_peer(stream.native_handle(), trust, expected);
  if (!peer) {
    // XEP-0415 section 6.1: "the connection MUST NOT be used and MUST be closed". Closed
    // without a TLS close_notify: nothing at all goes to a peer we did not mean to reach.
    stream.lowest_layer().close(ec);
    co_return peer.error();
  }
  co_return std::move(*peer);
}

}  // namespace reload::xmpp
