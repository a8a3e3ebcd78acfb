#include "storage/node_multiple_index.hpp"

#include <algorithm>
#include <cstring>

#include "storage/access_control.hpp"

namespace reload::storage {

NodeMultipleIndex::NodeMultipleIndex(std::size_t resource_id_length, std::size_t capacity)
    : length_(resource_id_length), capacity_(capacity) {}

namespace {

// The keys are SHA-1 outputs: their first 8 bytes are as good a hash as any, and the table
// only ever holds hashes this index computed, so a peer cannot choose them.
std::uint64_t prefix_of(const wire::ResourceId& r) noexcept {
  std::uint64_t p = 0;
  const auto b = r.bytes();
  std::memcpy(&p, b.data(), std::min(sizeof p, b.size()));
  return p;
}

}  // namespace

NodeMultipleIndex::Scanned& NodeMultipleIndex::touch(const wire::NodeId& node) {
  if (auto it = by_node_.find(node); it != by_node_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return lru_.front();
  }
  lru_.push_front(Scanned{node, {}, 0});
  by_node_.emplace(node, lru_.begin());
  return lru_.front();
}

// Forgets the least recently used Node-IDs other than `keep` until a hash fits.
bool NodeMultipleIndex::make_room(const Scanned& keep) {
  while (size_ >= capacity_) {
    auto last = std::prev(lru_.end());
    if (&*last == &keep) return false;
    size_ -= last->index_of.size();
    by_node_.erase(last->node);
    lru_.erase(last);
  }
  return true;
}

bool NodeMultipleIndex::scan(const wire::NodeId& node, const wire::ResourceId& resource, std::uint64_t from,
                             std::uint32_t max_i) const {
  for (std::uint64_t i = from; i <= max_i; ++i)
    if (node_multiple_resource_id(node, static_cast<std::uint32_t>(i), length_) == resource) return true;
  return false;
}

bool NodeMultipleIndex::owns(const wire::NodeId& node, const wire::ResourceId& resource, std::uint32_t max_i) {
  Scanned& s = touch(node);
  const std::uint64_t prefix = prefix_of(resource);
  if (auto it = s.index_of.find(prefix); it != s.index_of.end()) {
    const std::uint32_t i = it->second;
    if (node_multiple_resource_id(node, i, length_) == resource) return i <= max_i;
    return scan(node, resource, 0, max_i);  // two hashes sharing 8 bytes: as good as never
  }
  for (std::uint64_t i = s.next; i <= max_i; ++i) {
    auto r = node_multiple_resource_id(node, static_cast<std::uint32_t>(i), length_);
    const bool match = r == resource;
    if (i == s.next && make_room(s)) {  // only a gapless prefix is kept: misses past it rescan
      if (s.index_of.emplace(prefix_of(r), static_cast<std::uint32_t>(i)).second) ++size_;
      ++s.next;
    }
    if (match) return true;
  }
  return false;
}

}  // namespace reload::storage
