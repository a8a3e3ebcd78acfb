// Accepts overlay links: every TCP connection is handshaken and its peer verified on its
// own coroutine, so one slow or hostile client never holds up the others.
#pragma once

#include <functional>
#include <memory>

#include <boost/asio/ip/tcp.hpp>

#include "transport/tls_link.hpp"

namespace reload::transport {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Called on the executor with each verified link (not started yet), or with the error that
  // ended one attempt (for logging; the listener goes on).
  using OnLink = std::function<void(boost::system::result<std::shared_ptr<TlsLink>>)>;

  Listener(asio::any_io_executor ex, asio::ssl::context& tls, crypto::CertificateCache& trust,
           LinkLimits limits);
  // Binds and listens (port 0 picks a free one).
  boost::system::error_code listen(const asio::ip::tcp::endpoint& at);
  void start(OnLink on_link);
  // Stops accepting and releases the handler; handshakes under way end without it.
  void stop();
  asio::ip::tcp::endpoint local_endpoint() const;

 private:
  asio::awaitable<void> serve(asio::ip::tcp::socket socket);
  asio::ip::tcp::acceptor acceptor_;
  asio::ssl::context& tls_;
  crypto::CertificateCache& trust_;
  LinkLimits limits_;
  OnLink on_link_;
};

}  // namespace reload::transport
