#include "config/https_client.hpp"

#include <random>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fmt/format.h>
#include <openssl/x509v3.h>

namespace reload::config {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::optional<Url> parse_https_url(std::string_view s) {
  constexpr std::string_view scheme = "https://";
  if (!s.starts_with(scheme)) return std::nullopt;
  s.remove_prefix(scheme.size());
  for (char c : s)
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return std::nullopt;
  Url u;
  std::size_t slash = s.find_first_of("/?");
  std::string_view authority = s.substr(0, slash);
  if (slash != std::string_view::npos) u.target = s[slash] == '/' ? std::string(s.substr(slash)) : "/" + std::string(s.substr(slash));
  if (authority.find('@') != std::string_view::npos) return std::nullopt;
  std::string_view port;
  if (authority.starts_with('[')) {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    u.host = std::string(authority.substr(1, close - 1));
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
      if (port.empty()) return std::nullopt;
    }
  } else {
    std::size_t colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) return std::nullopt;
    }
  }
  if (u.host.empty()) return std::nullopt;
  if (!port.empty()) {
    unsigned long p = 0;
    for (char c : port) {
      if (c < '0' || c > '9') return std::nullopt;
      p = p * 10 + static_cast<unsigned long>(c - '0');
      if (p > 65535) return std::nullopt;
    }
    if (p == 0) return std::nullopt;
    u.port = static_cast<std::uint16_t>(p);
  }
  return u;
}

namespace {

// Why OpenSSL refused the server's certificate, when it did: asio's message for a failed
// handshake is only "certificate verify failed".
std::string verify_detail(SSL* ssl) {
  long r = SSL_get_verify_result(ssl);
  return r == X509_V_OK ? std::string() : fmt::format(" ({})", X509_verify_cert_error_string(r));
}

bool certificate_matches(SSL* ssl, const std::string& name) {
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (!cert) return false;
  boost::system::error_code ec;
  (void)asio::ip::make_address(name, ec);
  if (!ec) return X509_check_ip_asc(cert, name.c_str(), 0) == 1;
  return X509_check_host(cert, name.data(), name.size(), 0, nullptr) == 1;
}

}  // namespace

namespace {

// A failed attempt, and whether it is worth another: the server refused, reset or closed
// the connection before TLS began (retry_policy.hpp).
struct Failure {
  Failure() = default;
  Failure(std::string m, bool t = false) : message(std::move(m)), transient(t) {}
  std::string message;
  bool transient = false;
};
using Outcome = boost::system::result<HttpsResponse, Failure>;

bool refused_or_reset(const boost::system::error_code& ec) {
  return ec == asio::error::connection_refused || ec == asio::error::connection_reset ||
         ec == asio::error::connection_aborted;
}

// The exchange as a coroutine: Beast's tcp_stream applies its deadline only to
// asynchronous operations, so a blocking call is an io_context run to completion here.
asio::awaitable<Outcome> exchange(const Url& url, const HttpsRequest& request, asio::ssl::context& tls,
                                  const HttpsOptions& options, std::string where) {
  auto ex = co_await asio::this_coro::executor;
  beast::ssl_stream<beast::tcp_stream> stream(ex, tls);
  stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
  boost::system::error_code ec;
  // SNI only for names: an IP literal is not a server name (RFC 6066 section 3).
  (void)asio::ip::make_address(url.host, ec);
  if (ec && !SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str()))
    co_return Failure(where + ": cannot set the TLS server name");
  auto on = asio::redirect_error(asio::use_awaitable, ec);

  asio::ip::tcp::resolver resolver(ex);
  auto endpoints = co_await resolver.async_resolve(url.host, std::to_string(url.port), on);
  if (ec) co_return Failure(fmt::format("{}: cannot resolve {}: {}", where, url.host, ec.message()));
  auto& tcp = beast::get_lowest_layer(stream);
  tcp.expires_after(options.timeout);  // one deadline for the rest of the exchange
  co_await tcp.async_connect(endpoints, on);
  if (ec) co_return Failure(fmt::format("{}: {}", where, ec.message()), refused_or_reset(ec));
  co_await stream.async_handshake(asio::ssl::stream_base::client, on);
  if (ec) {
    // Closed or reset before the server said anything of TLS: turned away at accept. A
    // certificate that does not verify, or a server that speaks something else, is not.
    const bool turned_away =
        (refused_or_reset(ec) || ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) &&
        SSL_get0_peer_certificate(stream.native_handle()) == nullptr;
    if (turned_away)
      co_return Failure(fmt::format("{}: the server closed the connection before TLS ({}): busy, or not an HTTPS server",
                                    where, ec.message()),
                        true);
    co_return Failure(
        fmt::format("{}: TLS handshake: {}{}", where, ec.message(), verify_detail(stream.native_handle())));
  }
  if (options.also_match && !certificate_matches(stream.native_handle(), *options.also_match))
    co_return Failure(fmt::format("{}: the server's certificate does not name {}", where, *options.also_match));

  const bool v6 = url.host.find(':') != std::string::npos;
  http::request<http::string_body> req{request.method == "POST" ? http::verb::post : http::verb::get, url.target, 11};
  req.set(http::field::host, v6 ? "[" + url.host + "]" : url.host);
  req.set(http::field::user_agent, "reload-xmpp");
  if (!request.accept.empty()) req.set(http::field::accept, request.accept);
  if (request.method == "POST") {
    req.set(http::field::content_type, request.content_type);
    req.body() = request.body;
    req.prepare_payload();
  }
  req.keep_alive(false);
  co_await http::async_write(stream, req, on);
  if (ec) co_return Failure(fmt::format("{}: sending the request: {}", where, ec.message()));

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(options.max_body);
  co_await http::async_read(stream, buffer, parser, on);
  if (ec) co_return Failure(fmt::format("{}: reading the response: {}", where, ec.message()));
  auto& res = parser.get();
  HttpsResponse out;
  out.status = res.result_int();
  out.content_type = std::string(res[http::field::content_type]);
  out.retry_after = std::string(res[http::field::retry_after]);
  out.body = std::move(res.body());
  // The answer is complete: close without waiting for the server's close_notify.
  tcp.close();
  co_return out;
}

Outcome attempt(const Url& url, const HttpsRequest& request, asio::ssl::context& tls, const HttpsOptions& options,
                const std::string& where) {
  asio::io_context io;
  std::optional<Outcome> outcome;
  asio::co_spawn(io, exchange(url, request, tls, options, where), [&](std::exception_ptr e, Outcome r) {
    if (e) outcome.emplace(Failure(where + ": internal error"));
    else outcome.emplace(std::move(r));
  });
  // The stream's deadline bounds everything after name resolution; this bounds the rest.
  io.run_for(options.timeout + std::chrono::seconds(1));
  if (!outcome) return Failure(fmt::format("{}: no answer within {} s", where, options.timeout.count()));
  return std::move(*outcome);
}

// Text from a server, fit for a one-line message.
std::string first_line(std::string_view s) {
  s = s.substr(0, s.find_first_of("\r\n"));
  std::string out;
  for (char c : s.substr(0, 120)) out += (c >= ' ' && c < 0x7f) ? c : '?';
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

double random_jitter() {
  thread_local std::minstd_rand generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

}  // namespace

boost::system::result<HttpsResponse, std::string> https_exchange(const Url& url, const HttpsRequest& request,
                                                                 asio::ssl::context& tls,
                                                                 const HttpsOptions& options) {
  const bool v6 = url.host.find(':') != std::string::npos;
  const std::string where =
      fmt::format("https://{}{}{}:{}{}", v6 ? "[" : "", url.host, v6 ? "]" : "", url.port, url.target);
  if (request.method != "GET" && request.method != "POST") return where + ": unsupported method " + request.method;
  const RetryPolicy& policy = options.retry;
  std::chrono::milliseconds waited{0};
  for (unsigned attempts = 1;; ++attempts) {
    Outcome got = attempt(url, request, tls, options, where);
    if (!got && !got.error().transient) return got.error().message;
    if (got && !retryable_status(got->status)) return std::move(*got);
    const unsigned status = got ? got->status : 0;
    const std::string retry_after = got ? got->retry_after : std::string();
    auto delay = next_retry_delay(status, retry_after, attempts, policy, waited, random_jitter());
    if (!delay) {
      const std::string tries = fmt::format("gave up after {} attempt{} in {} s", attempts, attempts == 1 ? "" : "s",
                                            std::chrono::round<std::chrono::seconds>(waited).count());
      if (!got) return fmt::format("{}; {}", got.error().message, tries);
      std::string why = fmt::format("{}: the server is busy: {} {}", where, status,
                                    std::string_view(http::obsolete_reason(static_cast<http::status>(status))));
      if (auto text = first_line(got->body); !text.empty()) why += fmt::format(" \"{}\"", text);
      auto asked = parse_retry_after(retry_after);
      if (asked && *asked > policy.max_wait && attempts < policy.max_attempts)
        return fmt::format("{}; it asks to wait {} s, longer than the client waits ({} s); {}", why, asked->count(),
                           std::chrono::duration_cast<std::chrono::seconds>(policy.max_wait).count(), tries);
      return fmt::format("{}; {}", why, tries);
    }
    if (policy.sleep) policy.sleep(*delay);
    else std::this_thread::sleep_for(*delay);
    waited += *delay;
  }
}

}  // namespace reload::config
