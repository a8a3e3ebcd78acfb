// A stretch of the identifier ring, as the topology hands it to the store: the keys a peer
// is responsible for, (predecessor, self] (RFC 6940 section 10.1), or the keys it keeps as
// a replica.
#pragma once

#include "wire/node_id.hpp"

namespace reload::storage {

struct RingRange {
  // (after, through], clockwise. after == through (both empty included) is the whole ring:
  // a peer alone in the overlay is responsible for every key.
  wire::NodeId after;
  wire::NodeId through;

  static RingRange whole() { return {}; }
  bool is_whole() const noexcept { return after == through; }
  // A Resource-ID is read as a point of the ring of Node-IDs (its first bytes, zero-padded).
  bool contains(const wire::ResourceId& resource) const;
};

}  // namespace reload::storage
