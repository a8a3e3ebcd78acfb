// One blocking HTTPS exchange on Boost.Beast, for start-up work (fetching the overlay's
// configuration document and enrolling, RFC 6940 sections 11.2 and 11.3) before a node's
// event loop runs. The server's certificate must chain to `ca_file` (or the system's
// roots) and match the URL's host.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include <boost/system/result.hpp>

namespace reload::config {

struct Url {
  std::string host;  // without brackets for IPv6
  std::uint16_t port = 443;
  std::string target = "/";  // path and query
};
// https://host[:port][/path]; nothing else is accepted.
std::optional<Url> parse_https_url(std::string_view url);

struct HttpsRequest {
  std::string method = "GET";
  std::string content_type;  // for a body
  std::string body;
  std::string accept;
};

struct HttpsResponse {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

boost::system::result<HttpsResponse, std::string> https_exchange(
    const Url& url, const HttpsRequest& request, const std::optional<std::filesystem::path>& ca_file,
    std::chrono::seconds timeout = std::chrono::seconds(15), std::size_t max_body = 1 << 20);

}  // namespace reload::config
