#include "topology/neighbor_table.hpp"

#include <doctest/doctest.h>

using reload::topology::NeighborTable;
using reload::wire::NodeId;

namespace {
// A 16-byte Node-ID whose first byte is `top` and the rest zero: easy to place on the ring.
NodeId at(std::uint8_t top) {
  std::array<std::uint8_t, 16> b{};
  b[0] = top;
  return NodeId(reload::wire::Bytes(b.data(), b.size()));
}
}  // namespace

TEST_CASE("successors are the nearest peers clockwise, predecessors counter-clockwise") {
  NeighborTable t(at(0x80));
  for (std::uint8_t x : {0x10, 0x90, 0x70, 0xf0, 0x85, 0x20, 0x7f, 0xa0})
    t.add(at(x));
  CHECK(t.successors() == std::vector<NodeId>{at(0x85), at(0x90), at(0xa0)});
  CHECK(t.predecessors() == std::vector<NodeId>{at(0x7f), at(0x70), at(0x20)});
  CHECK(t.contains(at(0x90)));
  CHECK_FALSE(t.contains(at(0xf0)));  // offered, but farther than three on either side
}

TEST_CASE("the lists wrap past zero") {
  NeighborTable t(at(0xf0));
  for (std::uint8_t x : {0x05, 0xe0, 0x01, 0xd0, 0x10})
    t.add(at(x));
  CHECK(t.successors() == std::vector<NodeId>{at(0x01), at(0x05), at(0x10)});
  CHECK(t.predecessors() == std::vector<NodeId>{at(0xe0), at(0xd0), at(0x10)});
}

TEST_CASE("add reports changes, self and duplicates change nothing") {
  NeighborTable t(at(0x80));
  CHECK(t.add(at(0x90)));
  CHECK_FALSE(t.add(at(0x90)));
  CHECK_FALSE(t.add(at(0x80)));
  CHECK(t.members().size() == 1);  // a lone neighbor is both successor and predecessor
  CHECK(t.successors().front() == at(0x90));
  CHECK(t.predecessors().front() == at(0x90));
}

TEST_CASE("wants: a peer nearer than the farthest entry, or any while there is room") {
  NeighborTable t(at(0x80), 2, 2);
  CHECK(t.wants(at(0x10)));
  for (std::uint8_t x : {0x90, 0xa0, 0x70, 0x60}) t.add(at(x));
  CHECK(t.wants(at(0x95)));
  CHECK(t.wants(at(0x65)));
  CHECK_FALSE(t.wants(at(0xb0)));
  CHECK_FALSE(t.wants(at(0x50)));
  CHECK_FALSE(t.wants(at(0x90)));  // already there
}

TEST_CASE("remove takes a peer out of both lists") {
  NeighborTable t(at(0x80));
  for (std::uint8_t x : {0x90, 0xa0, 0x70}) t.add(at(x));
  CHECK(t.remove(at(0x90)));
  CHECK_FALSE(t.remove(at(0x90)));
  CHECK(t.successors() == std::vector<NodeId>{at(0xa0), at(0x70)});
  CHECK(t.predecessors() == std::vector<NodeId>{at(0x70), at(0xa0)});
}

TEST_CASE("responsibility is (predecessor, self]") {
  NeighborTable t(at(0x80));
  CHECK(t.responsible_for(at(0x00)));  // alone: every key
  t.add(at(0x40));
  t.add(at(0xc0));
  CHECK(t.responsible_for(at(0x80)));
  CHECK(t.responsible_for(at(0x41)));
  CHECK_FALSE(t.responsible_for(at(0x40)));
  CHECK_FALSE(t.responsible_for(at(0x81)));
  NeighborTable w(at(0x10));  // the interval wraps
  w.add(at(0xf0));
  CHECK(w.responsible_for(at(0xff)));
  CHECK(w.responsible_for(at(0x05)));
  CHECK_FALSE(w.responsible_for(at(0x11)));
}

TEST_CASE("an answer for a key counts from a peer at least as close as every neighbor (6.3.4)") {
  NeighborTable t(at(0x80));
  for (std::uint8_t x : {0x70, 0x90, 0xa0}) t.add(at(x));
  // Key 0x88: our successor 0x90 is the closest member, so 0x90 or anything in [0x88, 0x90].
  CHECK(t.at_least_as_close(at(0x88), at(0x90)));
  CHECK(t.at_least_as_close(at(0x88), at(0x8c)));
  CHECK(t.at_least_as_close(at(0x88), at(0x88)));
  CHECK_FALSE(t.at_least_as_close(at(0x88), at(0xa0)));  // our second successor is farther
  CHECK_FALSE(t.at_least_as_close(at(0x88), at(0x87)));  // just behind the key: the farthest
  // Key 0x75: we ourselves (0x80) answer when we route to ourselves; the table is the
  // yardstick, not self, so 0x90 passes too (the RFC's check is primitive), 0xa0 does not.
  CHECK(t.at_least_as_close(at(0x75), at(0x80)));
  CHECK(t.at_least_as_close(at(0x75), at(0x90)));
  CHECK_FALSE(t.at_least_as_close(at(0x75), at(0xa0)));
  // With no neighbors anyone may answer (a joining node knows nobody yet).
  NeighborTable alone(at(0x80));
  CHECK(alone.at_least_as_close(at(0x88), at(0x01)));
}
