#include "storage/ring_range.hpp"

#include "wire/ring.hpp"

namespace reload::storage {

bool RingRange::contains(const wire::ResourceId& resource) const {
  if (is_whole()) return true;
  return wire::ring::in_half_open(wire::ring::point_of(resource, after.size()), after, through);
}

}  // namespace reload::storage
