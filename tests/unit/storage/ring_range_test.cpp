#include "storage/ring_range.hpp"

#include <doctest/doctest.h>

using namespace reload;
using namespace reload::storage;

namespace {
wire::NodeId id(std::uint8_t first) {
  wire::Buffer b(16, 0);
  b[0] = first;
  return wire::NodeId(wire::Bytes(b));
}
wire::ResourceId res(std::uint8_t first) { return wire::ResourceId(id(first).bytes()); }
}  // namespace

TEST_CASE("(after, through]: open at the start, closed at the end") {
  RingRange r{id(0x10), id(0x20)};
  CHECK_FALSE(r.contains(res(0x10)));
  CHECK(r.contains(res(0x11)));
  CHECK(r.contains(res(0x20)));
  CHECK_FALSE(r.contains(res(0x21)));
  CHECK_FALSE(r.is_whole());
}

TEST_CASE("a range may wrap past zero") {
  RingRange r{id(0xf0), id(0x05)};
  CHECK(r.contains(res(0xff)));
  CHECK(r.contains(res(0x00)));
  CHECK(r.contains(res(0x05)));
  CHECK_FALSE(r.contains(res(0x06)));
  CHECK_FALSE(r.contains(res(0xf0)));
}

TEST_CASE("after == through is the whole ring") {
  CHECK(RingRange::whole().is_whole());
  CHECK(RingRange::whole().contains(res(0x42)));
  RingRange alone{id(0x30), id(0x30)};
  CHECK(alone.contains(res(0x30)));
  CHECK(alone.contains(res(0x31)));
}

TEST_CASE("Resource-IDs shorter than a Node-ID are read zero-padded") {
  RingRange r{id(0x10), id(0x20)};
  std::uint8_t short_id[] = {0x15};
  CHECK(r.contains(wire::ResourceId(wire::Bytes(short_id))));
  std::uint8_t outside[] = {0x25};
  CHECK_FALSE(r.contains(wire::ResourceId(wire::Bytes(outside))));
}
