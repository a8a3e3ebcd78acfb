// The part of dialling and accepting that both share: the TLS handshake under a deadline,
// then the peer's certificate checked (xmpp_tls_identity.hpp) before a byte of XMPP moves.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/result.hpp>

#include "crypto/certificate_cache.hpp"
#include "wire/node_id.hpp"
#include "xmpp/stream_session.hpp"
#include "xmpp/xmpp_tls_identity.hpp"

namespace reload::xmpp {

// Closes the stream's socket if it is still alive when the deadline passes, which ends
// whatever connect or handshake is waiting on it: a peer that connects and says nothing must
// not hold its slot. expired() tells the caller why its operation failed.
class SocketDeadline {
 public:
  SocketDeadline(StreamSession::Stream& stream, std::chrono::milliseconds timeout);
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

// Handshakes as `role` and verifies the peer (with `expected` when we dialled a Node-ID).
// On any failure the socket is closed before returning; a handshake cut short by `deadline`
// fails with asio::error::timed_out.
asio::awaitable<boost::system::result<StreamPeer>> handshake_stream_peer(
    StreamSession::Stream& stream, asio::ssl::stream_base::handshake_type role,
    crypto::CertificateCache& trust, const std::optional<wire::NodeId>& expected,
    const SocketDeadline& deadline);

}  // namespace reload::xmpp
