#include "wire/ring.hpp"

#include <doctest/doctest.h>

using namespace reload::wire;

namespace {
NodeId id(const char* hex) { return *NodeId::from_hex(hex); }
}  // namespace

TEST_CASE("addition and subtraction wrap modulo 2^128") {
  auto max = NodeId::wildcard(16);
  auto one = id("00000000000000000000000000000001");
  auto zero = id("00000000000000000000000000000000");
  CHECK(ring::add(max, one) == zero);
  CHECK(ring::sub(zero, one) == max);
  CHECK(ring::sub(one, zero) == one);
  CHECK(ring::add(id("00ff00000000000000000000000000ff"), id("00010000000000000000000000000001")) ==
        id("01000000000000000000000000000100"));
  CHECK(ring::successor_point(id("000000000000000000000000000000ff")) ==
        id("00000000000000000000000000000100"));
  CHECK(ring::predecessor_point(id("00000000000000000000000000000100")) ==
        id("000000000000000000000000000000ff"));
  CHECK(ring::predecessor_point(zero) == max);  // wraps
  CHECK(ring::predecessor_point(ring::successor_point(max)) == max);
}

TEST_CASE("finger i aims at self + 2^(128-i)") {
  auto zero = id("00000000000000000000000000000000");
  CHECK(ring::finger_target(zero, 1) == id("80000000000000000000000000000000"));
  CHECK(ring::finger_target(zero, 2) == id("40000000000000000000000000000000"));
  CHECK(ring::finger_target(zero, 128) == id("00000000000000000000000000000001"));
  auto high = id("c0000000000000000000000000000000");
  CHECK(ring::finger_target(high, 1) == id("40000000000000000000000000000000"));  // wraps
  CHECK_THROWS(ring::finger_target(zero, 0));
  CHECK_THROWS(ring::finger_target(zero, 129));
}

TEST_CASE("responsibility interval (pred, self] including wrap-around") {
  auto a = id("10000000000000000000000000000000");
  auto b = id("20000000000000000000000000000000");
  auto mid = id("18000000000000000000000000000000");
  CHECK(ring::in_half_open(mid, a, b));
  CHECK(ring::in_half_open(b, a, b));
  CHECK_FALSE(ring::in_half_open(a, a, b));
  CHECK_FALSE(ring::in_half_open(id("30000000000000000000000000000000"), a, b));
  // Wrapping: (b, a] holds everything outside (a, b].
  CHECK(ring::in_half_open(id("f0000000000000000000000000000000"), b, a));
  CHECK(ring::in_half_open(id("00000000000000000000000000000000"), b, a));
  CHECK(ring::in_half_open(a, b, a));
  CHECK_FALSE(ring::in_half_open(mid, b, a));
  // A peer alone is responsible for the whole ring.
  CHECK(ring::in_half_open(mid, a, a));
  CHECK(ring::in_open(mid, a, b));
  CHECK_FALSE(ring::in_open(b, a, b));
}

TEST_CASE("share of the ring in parts per billion") {
  auto zero = id("00000000000000000000000000000000");
  CHECK(ring::share_ppb(zero, id("80000000000000000000000000000000")) == 500'000'000u);
  CHECK(ring::share_ppb(zero, id("40000000000000000000000000000000")) == 250'000'000u);
  CHECK(ring::share_ppb(zero, zero) == 1'000'000'000u);
}

TEST_CASE("Resource-IDs as ring points") {
  ResourceId r(NodeId::wildcard(16).bytes());
  CHECK(ring::point_of(r, 16) == NodeId::wildcard(16));
}
