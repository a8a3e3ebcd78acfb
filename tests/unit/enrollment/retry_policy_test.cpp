// When the enrollment client asks a busy server again, and after how long: pure, no sleeping.
#include "config/retry_policy.hpp"

#include <doctest/doctest.h>

using namespace reload::config;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

TEST_CASE("503, 429 and no connection are worth another attempt; nothing else") {
  CHECK(retryable_status(503));
  CHECK(retryable_status(429));
  CHECK(retryable_status(0));
  for (unsigned s : {200u, 400u, 401u, 403u, 404u, 406u, 413u, 500u, 502u, 504u}) {
    CAPTURE(s);
    CHECK_FALSE(retryable_status(s));
    CHECK_FALSE(next_retry_delay(s, "1", 1).has_value());
  }
}

TEST_CASE("Retry-After in delta-seconds; an HTTP-date or junk is unknown") {
  CHECK(parse_retry_after("1") == 1s);
  CHECK(parse_retry_after(" 120\t") == 120s);
  CHECK(parse_retry_after("0") == 0s);
  CHECK(parse_retry_after("99999999999999999999999") == 86400s);  // no overflow
  for (const char* bad : {"", "  ", "-1", "1.5", "+3", "1 2", "0x10", "Fri, 31 Dec 1999 23:59:59 GMT"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_retry_after(bad).has_value());
  }
}

TEST_CASE("Retry-After is honoured as it is") {
  CHECK(next_retry_delay(503, "1", 1) == milliseconds(1000));
  CHECK(next_retry_delay(429, "7", 2) == milliseconds(7000));
  CHECK(next_retry_delay(503, "0", 1) == milliseconds(0));
  // The jitter is for the back-off only.
  CHECK(next_retry_delay(503, "2", 1, {}, 0ms, 0.0) == milliseconds(2000));
  CHECK(next_retry_delay(503, "2", 1, {}, 0ms, 0.99) == milliseconds(2000));
  // A server that asks for a longer wait than max_wait is given up on, not asked sooner.
  CHECK(next_retry_delay(429, "30", 1) == milliseconds(30'000));
  CHECK_FALSE(next_retry_delay(429, "31", 1).has_value());
  CHECK_FALSE(next_retry_delay(429, "3600", 1).has_value());
}

TEST_CASE("without a usable Retry-After: 1 s doubling, x0.5 to x1.5, capped") {
  for (const char* header : {"", "Wed, 21 Oct 2015 07:28:00 GMT", "soon"}) {
    CAPTURE(header);
    CHECK(next_retry_delay(503, header, 1, {}, 0ms, 0.5) == milliseconds(1000));
    CHECK(next_retry_delay(503, header, 2, {}, 0ms, 0.5) == milliseconds(2000));
    CHECK(next_retry_delay(503, header, 3, {}, 0ms, 0.5) == milliseconds(4000));
    CHECK(next_retry_delay(503, header, 1, {}, 0ms, 0.0) == milliseconds(500));
    CHECK(next_retry_delay(503, header, 3, {}, 0ms, 0.0) == milliseconds(2000));
    CHECK(next_retry_delay(503, header, 3, {}, 0ms, 0.999) >= milliseconds(5990));
  }
  // No answer at all (refused, reset, closed before TLS): the same back-off.
  CHECK(next_retry_delay(0, "", 1, {}, 0ms, 0.5) == milliseconds(1000));
  CHECK(next_retry_delay(0, "", 2, {}, 0ms, 0.5) == milliseconds(2000));
  // Out-of-range jitter is clamped; a long series never waits longer than max_wait.
  RetryPolicy many;
  many.max_attempts = 100;
  many.max_total_wait = 24h;
  CHECK(next_retry_delay(503, "", 1, many, 0ms, 7.0) == milliseconds(1500));
  CHECK(next_retry_delay(503, "", 1, many, 0ms, -1.0) == milliseconds(500));
  for (unsigned a : {6u, 7u, 20u, 64u, 99u}) {
    CAPTURE(a);
    auto d = next_retry_delay(503, "", a, many, 0ms, 0.999);
    REQUIRE(d.has_value());
    CHECK(*d == many.max_wait);
  }
}

TEST_CASE("bounded: attempts and the total wait") {
  RetryPolicy p;  // 4 attempts, 30 s per wait, 60 s in all
  CHECK(next_retry_delay(503, "1", 3, p).has_value());
  CHECK_FALSE(next_retry_delay(503, "1", 4, p).has_value());
  CHECK_FALSE(next_retry_delay(503, "1", 0, p).has_value());
  CHECK(next_retry_delay(503, "30", 1, p, 30s) == milliseconds(30'000));
  CHECK_FALSE(next_retry_delay(503, "30", 2, p, 31s).has_value());
  p.max_attempts = 1;
  CHECK_FALSE(next_retry_delay(503, "1", 1, p).has_value());
  // With the defaults, a server that never gives a Retry-After costs at most 1.5+3+6 s.
  RetryPolicy d;
  milliseconds waited{0};
  unsigned attempts = 1;
  while (auto w = next_retry_delay(503, "", attempts, d, waited, 0.999)) {
    waited += *w;
    ++attempts;
  }
  CHECK(attempts == 4);
  CHECK(waited <= 10'500ms);
}
