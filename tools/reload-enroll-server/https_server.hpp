// The enrollment server's HTTPS front: Boost.Beast over asio::ssl. It only moves bytes; what
// to answer is the handler's business (enrollment_service.hpp).
//
// Every byte from outside is hostile (DESIGN.md principle 5), so:
//   * request headers and bodies are bounded (413 when over), malformed HTTP gets 400 and
//     the connection is closed;
//   * the TLS handshake and each response have a deadline; a request must start within
//     idle_timeout of the connection being ready for it (after the handshake or the previous
//     response) and be complete within io_timeout of that moment, however it trickles, so a
//     slow-loris client is cut off and an idle keep-alive connection does not hold a slot;
//   * at most max_connections connections are served at once and at most
//     max_connections_per_address from one client (connection_shares.hpp); more are closed
//     at accept, so one client cannot lock the others out;
//   * password checks (PBKDF2, a tenth of a second each) run on the worker pool, never on
//     the I/O thread, so a GET of the document does not wait behind them; how many may wait
//     and how many failed ones a client may cause are bounded (login_throttle.hpp: 503 and
//     429 with Retry-After). Every other request is answered on the I/O thread;
//   * refusals are logged at most once a second (refusal_log.hpp);
//   * an accept error (out of file descriptors) is logged and retried after a pause
//     instead of spinning.
// Accepted sockets have TCP_NODELAY: a response is written whole, and Nagle's algorithm
// would hold its last segment (or the close_notify after it) for the client's delayed ACK,
// 40 ms per connection.
// The I/O runs on one thread (the executor given); the handler must be thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/system/result.hpp>

#include "connection_shares.hpp"
#include "enrollment_service.hpp"
#include "login_throttle.hpp"

namespace reload::enroll {

struct ServerLimits {
  std::chrono::milliseconds io_timeout{10'000};   // TLS handshake; a whole request; a response
  std::chrono::milliseconds idle_timeout{5'000};  // until a request's first byte
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 64 * 1024;  // a CSR and a password fit many times over
  std::size_t max_connections = 64;
  std::size_t max_connections_per_address = 8;
  std::size_t max_requests_per_connection = 100;  // the last response says Connection: close
  LoginLimits logins;
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

  std::size_t connections() const noexcept;

  struct Shared;  // what every connection needs; defined in the .cpp

 private:
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<Shared> shared_;
};

}  // namespace reload::enroll
