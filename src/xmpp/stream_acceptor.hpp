// Accepting peers' XMPP streams (XEP-0415 section 6.1, the AppAttach responder's side): TLS
// as server at once, the peer's certificate checked against the overlay's trust policy (no
// Node-ID is expected: whoever dialled us may be any peer of the overlay), its one bare XMPP
// address taken as the JID its stream must claim, then a StreamSession as the receiver with
// a fresh random stream id. Every connection is handshaken on its own coroutine under a
// deadline, so one slow or hostile client never holds up the others.
#pragma once

#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/system/result.hpp>

#include "crypto/certificate_cache.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/stream_session.hpp"

namespace reload::xmpp {

// One connection that reached us by other means (a listener of the node's own, an ICE
// flow's TCP socket): handshake, verify, and make the receiver's session, not started.
// Errors as dial_stream()'s, plus crypto_errc::internal when no random stream id could be
// made. `tls` and `trust` must outlive the session.
asio::awaitable<boost::system::result<std::shared_ptr<StreamSession>>> accept_stream(
    asio::ip::tcp::socket socket, asio::ssl::context& tls, crypto::CertificateCache& trust,
    Jid own_jid, StreamOptions options = {});

// A receiver's stream id (RFC 6120 section 4.7.3: unique and unpredictable): 128 random
// bits in hex; crypto_errc::internal when the generator fails.
boost::system::result<std::string> random_stream_id();

class StreamAcceptor : public std::enable_shared_from_this<StreamAcceptor> {
 public:
  // Called on the executor with each verified session (not started: the callee starts it
  // with its handler), or with the error that ended one attempt, for logging; the acceptor
  // goes on either way.
  using OnSession = std::function<void(boost::system::result<std::shared_ptr<StreamSession>>)>;

  // `own_jid` is ours, from our certificate (certificate_jid()). `tls` and `trust` must
  // outlive the acceptor and its sessions.
  StreamAcceptor(asio::any_io_executor ex, asio::ssl::context& tls,
                 crypto::CertificateCache& trust, Jid own_jid, StreamOptions options = {});

  // Binds and listens (port 0 picks a free one).
  boost::system::error_code listen(const asio::ip::tcp::endpoint& at);
  void start(OnSession on_session);
  // Stops accepting; handshakes under way and sessions already made go on.
  void stop();
  asio::ip::tcp::endpoint local_endpoint() const;

 private:
  asio::awaitable<void> serve(asio::ip::tcp::socket socket);

  asio::ip::tcp::acceptor acceptor_;
  asio::ssl::context& tls_;
  crypto::CertificateCache& trust_;
  Jid own_jid_;
  StreamOptions options_;
  OnSession on_session_;
};

}  // namespace reload::xmpp
