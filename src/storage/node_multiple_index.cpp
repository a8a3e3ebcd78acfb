#include "storage/node_multiple_index.hpp"

#include <cstring>

#include "storage/access_control.hpp"

namespace reload::storage {

NodeMultipleIndex::NodeMultipleIndex(std::size_t resource_id_length, std::size_t capacity)
    : length_(resource_id_length), capacity_(capacity) {}

std::size_t NodeMultipleIndex::ResourceHash::operator()(const wire::ResourceId& r) const noexcept {
  // The keys are SHA-1 outputs this index computed itself: their first bytes are as good a
  // hash as any, and a peer cannot choose them.
  std::size_t h = 0;
  const auto b = r.bytes();
  std::memcpy(&h, b.data(), std::min(sizeof h, b.size()));
  return h;
}

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

bool NodeMultipleIndex::owns(const wire::NodeId& node, const wire::ResourceId& resource, std::uint32_t max_i) {
  Scanned& s = touch(node);
  if (auto it = s.index_of.find(resource); it != s.index_of.end()) return it->second <= max_i;
  std::uint64_t i = s.next;
  for (; i <= max_i; ++i) {
    auto r = node_multiple_resource_id(node, static_cast<std::uint32_t>(i), length_);
    const bool match = r == resource;
    if (i == s.next && make_room(s)) {  // only a gapless prefix is kept: misses past it rescan
      s.index_of.emplace(std::move(r), static_cast<std::uint32_t>(i));
      ++size_;
      ++s.next;
    }
    if (match) return true;
  }
  return false;
}

}  // namespace reload::storage
