// One blocking HTTPS exchange on Boost.Beast, for start-up work: fetching the overlay's
// configuration document (RFC 6940 section 11.2) and enrolling (section 11.3) before a
// node's event loop runs. The server's certificate must chain to the context's trust
// anchors and match the URL's host (RFC 2818), and, when asked, a second name too: the RFC
// wants the enrollment server's certificate to match the overlay name.
//
// A server that is busy is asked again (retry_policy.hpp): an answer 503 or 429, honouring
// its Retry-After, and a connection refused, reset or closed before TLS (how
// reload-enroll-server turns one away at its connection cap), within the bounds of
// HttpsOptions::retry. Nothing else is tried again.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/result.hpp>

#include "config/retry_policy.hpp"

namespace reload::config {

struct Url {
  std::string host;  // without brackets for IPv6
  std::uint16_t port = 443;
  std::string target = "/";  // path and query
};
// https://host[:port][/path]; nothing else (no user info, no other scheme) is accepted.
std::optional<Url> parse_https_url(std::string_view url);

struct HttpsRequest {
  std::string method = "GET";  // GET or POST
  std::string content_type;    // of the body
  std::string body;
  std::string accept;
};

struct HttpsResponse {
  unsigned status = 0;
  std::string content_type;
  std::string body;
  std::string retry_after;  // the header's value, when there was one
};

struct HttpsOptions {
  std::chrono::seconds timeout{15};  // for the whole exchange
  std::size_t max_body = 1 << 20;    // of the response
  // A name the server's certificate must match as well as the URL's host.
  std::optional<std::string> also_match;
  RetryPolicy retry;  // `timeout` is per attempt
};

// The error is one line: "https://host:port/path: reason". A server still busy after the
// last attempt is an error too: "https://host:port/path: the server is busy: 503 Service
// Unavailable "text"; gave up after 4 attempts in 3 s" (any other status is an answer).
boost::system::result<HttpsResponse, std::string> https_exchange(const Url& url, const HttpsRequest& request,
                                                                 boost::asio::ssl::context& tls,
                                                                 const HttpsOptions& options = {});

}  // namespace reload::config
