#include "config/https_client.hpp"

#include <doctest/doctest.h>

using namespace reload::config;

TEST_CASE("https URLs: host, port, target") {
  auto u = parse_https_url("https://127.0.0.1:8443/.well-known/reload-config").value();
  CHECK(u.host == "127.0.0.1");
  CHECK(u.port == 8443);
  CHECK(u.target == "/.well-known/reload-config");
  auto d = parse_https_url("https://overlay.example.org").value();
  CHECK(d.host == "overlay.example.org");
  CHECK(d.port == 443);
  CHECK(d.target == "/");
  auto v6 = parse_https_url("https://[::1]:9/enroll?x=1").value();
  CHECK(v6.host == "::1");
  CHECK(v6.port == 9);
  CHECK(v6.target == "/enroll?x=1");
  CHECK(parse_https_url("https://h?q").value().target == "/?q");
}

TEST_CASE("anything else is refused") {
  for (const char* bad : {"", "http://h/", "https://", "https:///x", "https://h:/", "https://h:0/", "https://h:65536/",
                          "https://h:8x/", "https://user@h/", "https://[::1/", "https://[::1]x/", "https://h /",
                          "HTTPS://h/", "ftp://h/"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_https_url(bad).has_value());
  }
}
