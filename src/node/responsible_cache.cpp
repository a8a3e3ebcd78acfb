#include "node/responsible_cache.hpp"

#include <iterator>

#include "wire/ring.hpp"

namespace reload::node {

ResponsibleCache::Index::iterator ResponsibleCache::covering(const wire::ResourceId& resource,
                                                             std::optional<Clock::time_point> now) {
  if (index_.empty()) return index_.end();
  // The entry at `resource`, else the nearest before it, going round the end of the ring.
  auto it = index_.upper_bound(resource);
  it = it == index_.begin() ? std::prev(index_.end()) : std::prev(it);
  if (now && *now - it->second->learned >= lifetime_) {
    erase(it);
    return index_.end();
  }
  if (it->first == resource) return it;
  const wire::NodeId& responder = it->second->responder;
  const auto from = wire::ring::point_of(it->first, responder.size());
  const auto x = wire::ring::point_of(resource, responder.size());
  // x in [from, responder]: inside the range the responder answered from.
  if (wire::ring::distance(from, x) <= wire::ring::distance(from, responder)) return it;
  return index_.end();
}

std::optional<wire::NodeId> ResponsibleCache::lookup(const wire::ResourceId& resource, Clock::time_point now) {
  auto it = covering(resource, now);
  if (it == index_.end()) return std::nullopt;
  order_.splice(order_.begin(), order_, it->second);
  return it->second->responder;
}

void ResponsibleCache::learn(const wire::ResourceId& resource, const wire::NodeId& responder,
                             Clock::time_point now) {
  if (capacity_ == 0) return;
  if (auto it = index_.find(resource); it != index_.end()) {
    it->second->responder = responder;
    it->second->learned = now;
    order_.splice(order_.begin(), order_, it->second);
    return;
  }
  if (index_.size() >= capacity_) erase(index_.find(order_.back().resource));
  order_.push_front(Entry{resource, responder, now});
  index_.emplace(resource, order_.begin());
}

void ResponsibleCache::forget(const wire::ResourceId& resource) {
  auto it = covering(resource, std::nullopt);
  if (it == index_.end()) return;
  erase(it);
  ++forgotten_;
}

void ResponsibleCache::clear() noexcept {
  index_.clear();
  order_.clear();
}

void ResponsibleCache::erase(Index::iterator it) {
  order_.erase(it->second);
  index_.erase(it);
}

}  // namespace reload::node
