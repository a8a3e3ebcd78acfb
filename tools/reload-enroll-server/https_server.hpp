// The enrollment server's HTTPS front: Boost.Beast over asio::ssl. It only moves bytes; what
// to answer is the handler's business (enrollment_service.hpp).
//
// Every byte from outside is hostile (DESIGN.md principle 5), so:
//   * request headers and bodies are bounded (413 when over), malformed HTTP gets 400 and
//     the connection is closed;
//   * the TLS handshake, each request and each response have a deadline, so a slow or
//     silent client cannot hold a connection (a slow-loris client is cut off when its
//     request is not complete in time, however it trickles);
//   * at most max_connections connections are served at once; more are closed at accept;
//   * the handler runs on a worker pool, not on the I/O thread: a password check is a tenth
//     of a second of PBKDF2, and other connections go on meanwhile;
//   * an accept error (out of file descriptors) is logged and retried after a pause
//     instead of spinning.
// The I/O runs on one thread (the executor given); the handler must be thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/system/result.hpp>

#include "enrollment_service.hpp"

namespace reload::enroll {

struct ServerLimits {
  std::chrono::milliseconds io_timeout{10'000};  // TLS handshake; a whole request; a response
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 64 * 1024;  // a CSR and a password fit many times over
  std::size_t max_connections = 64;
  std::size_t max_requests_per_connection = 100;
};

// Opens, binds and listens (address reuse on). Port 0 picks a free port.
boost::system::result<boost::asio::ip::tcp::acceptor> open_listener(boost::asio::any_io_executor ex,
                                                                   const boost::asio::ip::tcp::endpoint& at);

class HttpsServer {
 public:
  using Log = std::function<void(const std::string&)>;
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  HttpsServer(boost::asio::ip::tcp::acceptor acceptor, boost::asio::ssl::context& tls, Handler handler,
              boost::asio::thread_pool& workers, Log log, ServerLimits limits = {});

  boost::asio::ip::tcp::endpoint local_endpoint() const;
  void start();
  void stop();  // stops accepting; connections in progress end on their own

  std::size_t connections() const noexcept { return *connections_; }

  struct Shared;  // what every connection needs; defined in the .cpp

 private:
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<Shared> shared_;
  std::shared_ptr<std::size_t> connections_ = std::make_shared<std::size_t>(0);
};

}  // namespace reload::enroll
