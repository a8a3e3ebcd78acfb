#include "topology/finger_table.hpp"

#include <random>

#include <doctest/doctest.h>

#include "wire/ring.hpp"

using reload::topology::FingerTable;
using reload::wire::NodeId;
namespace ring = reload::wire::ring;

namespace {
NodeId id(const char* hex) { return *NodeId::from_hex(hex); }
}  // namespace

TEST_CASE("entry i starts at self + 2^(128-i)") {
  FingerTable f(id("00000000000000000000000000000000"));
  CHECK(f.size() == 128);
  CHECK(f.target(1) == id("80000000000000000000000000000000"));
  CHECK(f.target(2) == id("40000000000000000000000000000000"));
  CHECK(f.target(128) == id("00000000000000000000000000000001"));
}

TEST_CASE("every peer falls in exactly the entry whose range holds it") {
  FingerTable f(id("f0000000000000000000000000000000"));
  CHECK(f.index_of(id("f0000000000000000000000000000000")) == 0);
  CHECK(f.index_of(id("70000000000000000000000000000000")) == 1);  // distance 0x80..: half way
  CHECK(f.index_of(id("6fffffffffffffffffffffffffffffff")) == 2);
  CHECK(f.index_of(id("f0000000000000000000000000000001")) == 128);
  std::mt19937_64 rng(7);
  for (int n = 0; n < 1000; ++n) {
    std::array<std::uint8_t, 16> b;
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    NodeId p(reload::wire::Bytes(b.data(), b.size()));
    unsigned i = f.index_of(p);
    REQUIRE(i >= 1);
    REQUIRE(i <= 128);
    // In [target(i), target(i-1)) going clockwise from self.
    const NodeId self = id("f0000000000000000000000000000000");
    CHECK(ring::distance(self, p) >= ring::distance(self, f.target(i)));
    if (i > 1) CHECK(ring::distance(self, p) < ring::distance(self, f.target(i - 1)));
  }
}

TEST_CASE("offer keeps the peer nearest to the start of the range") {
  FingerTable f(id("00000000000000000000000000000000"));
  CHECK(f.offer(id("c0000000000000000000000000000000")));
  CHECK(f.at(1) == id("c0000000000000000000000000000000"));
  CHECK(f.offer(id("90000000000000000000000000000000")));
  CHECK_FALSE(f.offer(id("a0000000000000000000000000000000")));
  CHECK(f.at(1) == id("90000000000000000000000000000000"));
  CHECK(f.offer(id("20000000000000000000000000000000")));
  CHECK(f.at(3) == id("20000000000000000000000000000000"));
  CHECK(f.peers() == std::vector<NodeId>{id("20000000000000000000000000000000"),
                                         id("90000000000000000000000000000000")});
  CHECK(f.remove(id("90000000000000000000000000000000")));
  CHECK_FALSE(f.at(1).has_value());
}

TEST_CASE("random points stay inside their entry's range") {
  FingerTable f(id("12345678123456781234567812345678"));
  std::mt19937_64 rng(1);
  for (unsigned i : {1u, 2u, 30u, 64u, 65u, 100u, 127u, 128u})
    for (int n = 0; n < 100; ++n) CHECK(f.index_of(f.random_point(i, rng())) == i);
}
