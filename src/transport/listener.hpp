// Accepts overlay links: every TCP connection is handshaken and its peer verified on its
// own coroutine, so one slow or hostile client never holds up the others.
#pragma once

#include <functional>
#include <map>
#include <memory>

#include <boost/asio/ip/tcp.hpp>

#include "transport/tls_link.hpp"

namespace reload::transport {

// Handshakes are what an unauthenticated client makes a listener spend (a private-key
// operation each, on the node's only thread, and a descriptor): they are bounded in all and
// per address, so that one host cannot keep the others out. A connection past a bound is
// closed at once, before TLS.
struct HandshakeLimits {
  std::size_t in_all = 64;
  std::size_t per_address = 8;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Called on the executor with each verified link (not started yet), or with the error that
  // ended one attempt (for logging; the listener goes on).
  using OnLink = std::function<void(boost::system::result<std::shared_ptr<TlsLink>>)>;

  Listener(asio::any_io_executor ex, asio::ssl::context& tls, crypto::CertificateCache& trust,
           LinkLimits limits, HandshakeLimits handshakes = {});
  // Binds and listens (port 0 picks a free one).
  boost::system::error_code listen(const asio::ip::tcp::endpoint& at);
  void start(OnLink on_link);
  // Stops accepting and releases the handler; handshakes under way end without it.
  void stop();
  asio::ip::tcp::endpoint local_endpoint() const;
  std::size_t handshakes() const noexcept { return handshaking_; }
  std::uint64_t refused() const noexcept { return refused_; }  // connections closed at a bound

 private:
  asio::awaitable<void> serve(asio::ip::tcp::socket socket);
  asio::ip::tcp::acceptor acceptor_;
  asio::ssl::context& tls_;
  crypto::CertificateCache& trust_;
  LinkLimits limits_;
  HandshakeLimits handshake_limits_;
  OnLink on_link_;
  std::size_t handshaking_ = 0;
  std::map<asio::ip::address, std::size_t> handshaking_from_;
  std::uint64_t refused_ = 0;
};

}  // namespace reload::transport
