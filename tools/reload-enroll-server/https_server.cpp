#include "https_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fmt/format.h>

namespace reload::enroll {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

namespace {

constexpr auto io_timeout = std::chrono::seconds(10);
constexpr std::size_t max_header = 8 * 1024;
constexpr std::size_t max_body = 64 * 1024;  // a CSR and a password fit many times over

asio::awaitable<void> serve(beast::ssl_stream<beast::tcp_stream> stream, EnrollmentService& service,
                            HttpsServer::Log log, std::string peer) {
  error_code ec;
  beast::get_lowest_layer(stream).expires_after(io_timeout);
  co_await stream.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(max_header);
    parser.body_limit(max_body);
    beast::get_lowest_layer(stream).expires_after(io_timeout);
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::end_of_stream || ec == asio::ssl::error::stream_truncated) break;
    HttpResponse out;
    bool keep_alive = false;
    if (ec) {
      if (ec == http::error::body_limit || ec == http::error::header_limit) out = {413, "text/plain", "request too large\n"};
      else break;
    } else {
      const auto& req = parser.get();
      HttpRequest in{std::string(req.method_string()), std::string(req.target()),
                     std::string(req[http::field::content_type]), std::string(req[http::field::accept]), req.body()};
      out = service.handle(in);
      keep_alive = req.keep_alive();
      std::string_view shown = out.status == 200 ? "" : std::string_view(out.body).substr(0, out.body.find('\n'));
      log(fmt::format("{} {} {} -> {} {}", peer, in.method, in.target, out.status, shown));
    }
    http::response<http::string_body> res{static_cast<http::status>(out.status), 11};
    res.set(http::field::server, "reload-enroll-server");
    res.set(http::field::content_type, out.content_type);
    res.keep_alive(keep_alive);
    res.body() = std::move(out.body);
    res.prepare_payload();
    beast::get_lowest_layer(stream).expires_after(io_timeout);
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !keep_alive) break;
  }
  beast::get_lowest_layer(stream).expires_after(io_timeout);
  co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace

HttpsServer::HttpsServer(asio::any_io_executor ex, asio::ssl::context& tls, EnrollmentService& service, Log log)
    : acceptor_(ex), tls_(tls), service_(service), log_(std::move(log)) {}

error_code HttpsServer::listen(const asio::ip::tcp::endpoint& at) {
  error_code ec;
  acceptor_.open(at.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(at, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  return ec;
}

asio::ip::tcp::endpoint HttpsServer::local_endpoint() const {
  error_code ec;
  return acceptor_.local_endpoint(ec);
}

void HttpsServer::start() {
  asio::co_spawn(acceptor_.get_executor(), [this]() -> asio::awaitable<void> {
    while (acceptor_.is_open()) {
      error_code ec;
      auto socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        continue;
      }
      auto peer = fmt::format("{}:{}", socket.remote_endpoint(ec).address().to_string(), socket.remote_endpoint(ec).port());
      beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), tls_);
      asio::co_spawn(acceptor_.get_executor(), serve(std::move(stream), service_, log_, std::move(peer)), asio::detached);
    }
  }, asio::detached);
}

void HttpsServer::stop() {
  error_code ec;
  acceptor_.close(ec);
}

}  // namespace reload::enroll
