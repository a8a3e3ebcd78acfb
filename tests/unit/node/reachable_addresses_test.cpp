#include "node/reachable_addresses.hpp"

#include <doctest/doctest.h>

using reload::node::reachable_addresses;
namespace ip = boost::asio::ip;

TEST_CASE("a listener bound to one address is reached there") {
  auto a = ip::make_address("127.0.0.7");
  CHECK(reachable_addresses(a) == std::vector<ip::address>{a});
}

TEST_CASE("a wildcard listener is advertised at the host's addresses, never the wildcard, loopback last") {
  for (const char* wildcard : {"0.0.0.0", "::"}) {
    CAPTURE(wildcard);
    const auto bound = ip::make_address(wildcard);
    auto got = reachable_addresses(bound);
    REQUIRE_FALSE(got.empty());
    bool loopback_seen = false;
    for (const auto& a : got) {
      CAPTURE(a.to_string());
      CHECK_FALSE(a.is_unspecified());
      if (bound.is_v4()) CHECK(a.is_v4());
      if (a.is_v6()) CHECK_FALSE(a.to_v6().is_link_local());
      if (loopback_seen) CHECK(a.is_loopback());  // nothing after the loopback addresses but more of them
      loopback_seen = loopback_seen || a.is_loopback();
    }
    if (bound.is_v4()) CHECK(std::find(got.begin(), got.end(), ip::make_address("127.0.0.1")) != got.end());
  }
}
