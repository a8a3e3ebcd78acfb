#include "config/https_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fmt/format.h>

namespace reload::config {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::optional<Url> parse_https_url(std::string_view s) {
  constexpr std::string_view scheme = "https://";
  if (!s.starts_with(scheme)) return std::nullopt;
  s.remove_prefix(scheme.size());
  Url u;
  std::size_t slash = s.find('/');
  std::string_view authority = s.substr(0, slash);
  u.target = slash == std::string_view::npos ? "/" : std::string(s.substr(slash));
  std::string_view port;
  if (authority.starts_with('[')) {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    u.host = std::string(authority.substr(1, close - 1));
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
    }
  } else {
    std::size_t colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
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

boost::system::result<HttpsResponse, std::string> https_exchange(
    const Url& url, const HttpsRequest& request, const std::optional<std::filesystem::path>& ca_file,
    std::chrono::seconds timeout, std::size_t max_body) {
  const std::string where = fmt::format("https://{}:{}{}", url.host, url.port, url.target);
  try {
    asio::io_context io;
    asio::ssl::context tls(asio::ssl::context::tls_client);
    tls.set_verify_mode(asio::ssl::verify_peer);
    if (ca_file) tls.load_verify_file(ca_file->string());
    else tls.set_default_verify_paths();
    beast::ssl_stream<beast::tcp_stream> stream(io, tls);
    stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
    boost::system::error_code ec;
    // SNI only for names: an IP literal is not a server name (RFC 6066).
    (void)asio::ip::make_address(url.host, ec);
    if (ec && !SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str()))
      return fmt::format("{}: cannot set the TLS server name", where);
    asio::ip::tcp::resolver resolver(io);
    auto endpoints = resolver.resolve(url.host, std::to_string(url.port));
    beast::get_lowest_layer(stream).expires_after(timeout);
    beast::get_lowest_layer(stream).connect(endpoints);
    stream.handshake(asio::ssl::stream_base::client);

    http::request<http::string_body> req{request.method == "POST" ? http::verb::post : http::verb::get,
                                         url.target, 11};
    req.set(http::field::host, url.host);
    req.set(http::field::user_agent, "reload-xmpp");
    if (!request.accept.empty()) req.set(http::field::accept, request.accept);
    if (!request.body.empty() || request.method == "POST") {
      req.set(http::field::content_type, request.content_type);
      req.body() = request.body;
      req.prepare_payload();
    }
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(max_body);
    http::read(stream, buffer, parser);
    auto& res = parser.get();
    HttpsResponse out;
    out.status = res.result_int();
    out.content_type = std::string(res[http::field::content_type]);
    out.body = std::move(res.body());
    stream.shutdown(ec);  // the peer may just close; the answer is already complete
    return out;
  } catch (const boost::system::system_error& e) {
    return fmt::format("{}: {}", where, e.code().message());
  }
}

}  // namespace reload::config
