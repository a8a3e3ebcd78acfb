// Node-IDs that are easy to place on the ring in tests: the first byte given, the rest zero.
#pragma once

#include <array>
#include <cstdint>

#include "wire/node_id.hpp"

namespace reload::node::test {

inline wire::NodeId id_of(std::uint8_t top) {
  std::array<std::uint8_t, 16> b{};
  b[0] = top;
  return wire::NodeId(b);
}

}  // namespace reload::node::test
