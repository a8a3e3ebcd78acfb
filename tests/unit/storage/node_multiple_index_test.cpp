// NODE-MULTIPLE's remembered hashes answer exactly as the linear scan does, within their bound.
#include "storage/node_multiple_index.hpp"

#include <doctest/doctest.h>

#include "storage/access_control.hpp"

using namespace reload;
using reload::storage::NodeMultipleIndex;
using reload::storage::node_multiple_resource_id;

namespace {

wire::NodeId node(std::uint8_t b) {
  std::array<std::uint8_t, 16> bytes{};
  bytes.fill(b);
  return wire::NodeId(wire::Bytes(bytes.data(), bytes.size()));
}

}  // namespace

TEST_CASE("an index answers as the scan: inside max, outside max, another node's, never stored") {
  NodeMultipleIndex index;
  const auto a = node(1), b = node(2);
  CHECK(index.owns(a, node_multiple_resource_id(a, 40), 100));
  CHECK(index.size() == 41);  // 0..40 kept, nothing past the match
  CHECK(index.owns(a, node_multiple_resource_id(a, 7), 100));  // a lookup
  CHECK(index.size() == 41);
  CHECK_FALSE(index.owns(a, node_multiple_resource_id(a, 40), 39));  // known, but past this Kind's max
  CHECK_FALSE(index.owns(a, node_multiple_resource_id(b, 3), 100));   // b's, not a's
  CHECK(index.size() == 101);                                          // the miss scanned to the max
  CHECK(index.owns(a, node_multiple_resource_id(a, 100), 100));
  CHECK_FALSE(index.owns(a, node_multiple_resource_id(a, 101), 100));
  CHECK(index.owns(a, node_multiple_resource_id(a, 101), 101));  // a larger max scans on
  CHECK(index.node_count() == 1);
}

TEST_CASE("bounded: the least recently used node goes first, and one node alone past the bound still answers") {
  NodeMultipleIndex index(16, 50);
  const auto a = node(1), b = node(2), c = node(3);
  CHECK(index.owns(a, node_multiple_resource_id(a, 19), 1000));  // 20 kept
  CHECK(index.owns(b, node_multiple_resource_id(b, 19), 1000));  // 40
  CHECK(index.owns(a, node_multiple_resource_id(a, 0), 1000));   // a is the most recent now
  CHECK(index.owns(c, node_multiple_resource_id(c, 19), 1000));  // b goes for c's last 10
  CHECK(index.size() <= 50);
  CHECK(index.node_count() == 2);
  // c alone would need 300 hashes: it keeps what fits and scans past them.
  CHECK(index.owns(c, node_multiple_resource_id(c, 299), 1000));
  CHECK(index.size() <= 50);
  CHECK(index.owns(c, node_multiple_resource_id(c, 250), 1000));
  CHECK(index.owns(c, node_multiple_resource_id(c, 5), 1000));
  CHECK_FALSE(index.owns(c, node_multiple_resource_id(a, 5), 1000));
  // And a, forgotten, is scanned again from 0.
  CHECK(index.owns(a, node_multiple_resource_id(a, 30), 1000));
}
