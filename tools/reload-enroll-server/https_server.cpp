#include "https_server.hpp"

#include <array>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fmt/format.h>

#include "refusal_log.hpp"
#include "source_key.hpp"

namespace reload::enroll {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

struct HttpsServer::Shared {
  asio::ssl::context& tls;
  Handler handler;
  asio::thread_pool& workers;
  Log log;
  ServerLimits limits;
  std::shared_ptr<ConnectionShares> shares;
  LoginThrottle logins;  // touched on the I/O thread only
  std::shared_ptr<RefusalLog> refusals;
};

namespace {

using Clock = std::chrono::steady_clock;

// Text from a client, fit for a log line.
std::string printable(std::string_view s, std::size_t max = 100) {
  std::string out;
  for (char c : s.substr(0, max)) out += (c >= ' ' && c < 0x7f) ? c : '?';
  if (s.size() > max) out += "...";
  return out;
}

bool closed_by_client(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::ssl::error::stream_truncated || ec == beast::error::timeout ||
         ec == asio::error::eof || ec == asio::error::connection_reset;
}

// A password check: refused at once when over a login limit (with how long to wait), else
// run on the worker pool while this connection's coroutine waits and others go on; the
// answer comes back to the I/O thread, where the throttle is told how it went.
asio::awaitable<HttpResponse> check_password(HttpsServer::Shared& s, const HttpRequest& in, const std::string& client,
                                             const std::string& peer, std::optional<std::chrono::seconds>& retry_after) {
  auto verdict = s.logins.admit(client, Clock::now());
  if (verdict.status == 429) {
    retry_after = verdict.retry_after;
    s.refusals->refused("429 too many failed logins from the address", peer);
    co_return HttpResponse{429, "text/plain", "too many failed logins from this address; try again later\n", {}};
  }
  if (verdict.status != 0) {
    retry_after = verdict.retry_after;
    s.refusals->refused("503 too many password checks waiting", peer);
    co_return HttpResponse{503, "text/plain", "too many logins at once; try again later\n", {}};
  }
  auto out = co_await asio::co_spawn(
      s.workers, [&]() -> asio::awaitable<HttpResponse> { co_return s.handler(in); }, asio::use_awaitable);
  s.logins.finished(client, EnrollmentService::failed_authentication(out), Clock::now());
  co_return out;
}

asio::awaitable<void> serve(beast::ssl_stream<beast::tcp_stream> stream, std::shared_ptr<HttpsServer::Shared> s,
                            std::string peer, std::string client,
                            [[maybe_unused]] std::unique_ptr<ConnectionShares::Slot> slot) {
  error_code ec;
  auto on = asio::redirect_error(asio::use_awaitable, ec);
  auto& tcp = beast::get_lowest_layer(stream);
  tcp.expires_after(s->limits.io_timeout);
  co_await stream.async_handshake(asio::ssl::stream_base::server, on);
  if (ec) co_return;  // not TLS, a client that refused our certificate, or too slow
  beast::flat_buffer buffer;
  for (std::size_t served = 0; served < s->limits.max_requests_per_connection; ++served) {
    const auto ready = Clock::now();
    if (buffer.size() == 0) {
      // Idle: a connection that says nothing gives its slot back after idle_timeout.
      tcp.expires_after(std::min(s->limits.idle_timeout, s->limits.io_timeout));
      buffer.commit(co_await stream.async_read_some(buffer.prepare(4096), on));
      if (ec) co_return;
    }
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(s->limits.max_header_bytes));
    parser.body_limit(s->limits.max_body_bytes);
    // One deadline for the whole request, from when we were ready for it: a client that
    // trickles bytes is cut off however it spaces them.
    tcp.expires_at(ready + s->limits.io_timeout);
    co_await http::async_read(stream, buffer, parser, on);
    if (closed_by_client(ec)) co_return;
    HttpResponse out;
    std::optional<std::chrono::seconds> retry_after;
    bool keep_alive = false, head = false;
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      out = {413, "text/plain", "request too large\n", {}};
      s->log(fmt::format("{} -> 413 request too large", peer));
    } else if (ec) {
      out = {400, "text/plain", "malformed HTTP request\n", {}};
      s->log(fmt::format("{} -> 400 malformed HTTP request ({})", peer, ec.message()));
    } else {
      auto& req = parser.get();
      head = req.method() == http::verb::head;
      HttpRequest in{head ? std::string("GET") : std::string(req.method_string()), std::string(req.target()),
                     std::string(req[http::field::content_type]), std::string(req[http::field::accept]),
                     std::move(req.body())};
      // The last response a connection serves says so, or the client would send its next
      // request into a connection we are closing.
      keep_alive = req.keep_alive() && served + 1 < s->limits.max_requests_per_connection;
      if (EnrollmentService::checks_password(in))
        out = co_await check_password(*s, in, client, peer, retry_after);
      else
        out = s->handler(in);  // microseconds, so on this thread: never behind a password check
      std::string shown = out.status == 200 ? std::string() : printable(out.body.substr(0, out.body.find('\n')));
      if (!retry_after)  // refusals went to the refusal log
        s->log(fmt::format("{} {} {} -> {} {}", peer, head ? "HEAD" : in.method, printable(in.target), out.status,
                           shown));
    }
    http::response<http::string_body> res{static_cast<http::status>(out.status), 11};
    res.set(http::field::server, "reload-enroll-server");
    res.set(http::field::content_type, out.content_type);
    if (!out.allow.empty()) res.set(http::field::allow, out.allow);
    if (retry_after) res.set(http::field::retry_after, std::to_string(retry_after->count()));
    res.keep_alive(keep_alive);
    res.body() = std::move(out.body);
    res.prepare_payload();
    if (head) res.body().clear();  // Content-Length stays the GET's (RFC 9110 section 9.3.2)
    tcp.expires_after(s->limits.io_timeout);
    co_await http::async_write(stream, res, on);
    if (!ec && out.status == 413) {
      // Lingering close: the client may still be sending the body we refused. Closing now
      // would reset the connection and could destroy our answer before the client reads it,
      // so read and drop what it sends, for a bounded time and amount, then close.
      tcp.expires_after(std::chrono::seconds(2));
      std::array<char, 16384> sink;
      for (std::size_t dropped = 0; !ec && dropped < 4 * s->limits.max_body_bytes;)
        dropped += co_await stream.async_read_some(asio::buffer(sink), on);
      break;
    }
    if (ec || !keep_alive) break;
  }
  tcp.expires_after(s->limits.io_timeout);
  co_await stream.async_shutdown(on);
}

}  // namespace

boost::system::result<asio::ip::tcp::acceptor> open_listener(asio::any_io_executor ex,
                                                             const asio::ip::tcp::endpoint& at) {
  asio::ip::tcp::acceptor acceptor(ex);
  error_code ec;
  acceptor.open(at.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(at, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return ec;
  return acceptor;
}

HttpsServer::HttpsServer(asio::ip::tcp::acceptor acceptor, asio::ssl::context& tls, Handler handler,
                         asio::thread_pool& workers, Log log, ServerLimits limits)
    : acceptor_(std::move(acceptor)),
      shared_(std::make_shared<Shared>(Shared{tls, std::move(handler), workers, log, limits,
                                              ConnectionShares::make(limits.max_connections,
                                                                     limits.max_connections_per_address),
                                              LoginThrottle(limits.logins),
                                              RefusalLog::make(acceptor_.get_executor(), log)})) {}

std::size_t HttpsServer::connections() const noexcept { return shared_->shares->in_use(); }

asio::ip::tcp::endpoint HttpsServer::local_endpoint() const {
  error_code ec;
  return acceptor_.local_endpoint(ec);
}

void HttpsServer::start() {
  asio::co_spawn(
      acceptor_.get_executor(),
      [this, s = shared_]() -> asio::awaitable<void> {
        asio::steady_timer pause(acceptor_.get_executor());
        while (acceptor_.is_open()) {
          error_code ec;
          auto socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
          if (ec == asio::error::operation_aborted) co_return;
          if (ec) {
            // Out of descriptors or memory: wait instead of spinning on the same error.
            s->log("accept failed: " + ec.message());
            pause.expires_after(std::chrono::milliseconds(200));
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
          }
          error_code ignored;
          socket.set_option(asio::ip::tcp::no_delay(true), ignored);
          auto remote = socket.remote_endpoint(ec);
          if (ec) {  // gone already
            socket.close(ignored);
            continue;
          }
          std::string peer = fmt::format("{}:{}", remote.address().to_string(), remote.port());
          // Taken here, not when the coroutine first runs, so that a burst of connections
          // cannot slip past the limits.
          ConnectionShares::Refusal why{};
          auto slot = s->shares->take(remote.address(), why);
          if (!slot) {
            s->refusals->refused(why == ConnectionShares::Refusal::address_full
                                     ? fmt::format("over the share of {} connections per address",
                                                   s->limits.max_connections_per_address)
                                     : fmt::format("server full ({} connections)", s->limits.max_connections),
                                 peer);
            socket.close(ignored);
            continue;
          }
          beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), s->tls);
          asio::co_spawn(acceptor_.get_executor(),
                         serve(std::move(stream), s, std::move(peer), source_key(remote.address()), std::move(slot)),
                         asio::detached);
        }
      },
      asio::detached);
}

void HttpsServer::stop() {
  error_code ec;
  acceptor_.close(ec);
}

}  // namespace reload::enroll
