// The part of dialling and accepting that both share: the TLS handshake under a deadline and
// the overlay's check of the peer (transport/authenticated_handshake.hpp, the one written for
// every link), then the bare JID of its certificate (xmpp_tls_identity.hpp), before a byte of
// XMPP moves. And the deadline of a TCP connect that comes before it.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/result.hpp>

#include "crypto/certificate_cache.hpp"
#include "wire/node_id.hpp"
#include "xmpp/stream_session.hpp"
#include "xmpp/xmpp_tls_identity.hpp"

namespace reload::xmpp {

// Closes the socket if it is still alive when the deadline passes, which ends a connect
// waiting on it. expired() tells the caller why its operation failed.
class SocketDeadline {
 public:
  SocketDeadline(asio::ip::tcp::socket& socket, std::chrono::milliseconds timeout);
  ~SocketDeadline();
  SocketDeadline(const SocketDeadline&) = delete;
  SocketDeadline& operator=(const SocketDeadline&) = delete;
  bool expired() const noexcept { return state_->expired; }

 private:
  // Shared with the timer's handler, which may run after we are gone: an expiry already
  // queued when we cancel still arrives as a success, and must then leave the socket alone.
  struct State {
    bool armed = true;
    bool expired = false;
  };
  asio::steady_timer timer_;
  std::shared_ptr<State> state_;
};

// Handshakes as `role` within `timeout` and verifies the peer (with `expected` when we
// dialled a Node-ID). On any failure the connection is closed before returning: XEP-0415
// section 6.1's "MUST NOT be used and MUST be closed", with nothing sent to a peer we did
// not mean to reach; a handshake cut short fails with asio::error::timed_out.
asio::awaitable<boost::system::result<StreamPeer>> handshake_stream_peer(
    StreamSession::Stream& stream, asio::ssl::stream_base::handshake_type role,
    crypto::CertificateCache& trust, const std::optional<wire::NodeId>& expected, std::chrono::milliseconds timeout);

}  // namespace reload::xmpp
