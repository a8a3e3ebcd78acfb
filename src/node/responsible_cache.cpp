#include "node/responsible_cache.hpp"

namespace reload::node {

std::optional<wire::NodeId> ResponsibleCache::lookup(const wire::ResourceId& resource, Clock::time_point now) {
  auto it = index_.find(resource);
  if (it == index_.end()) return std::nullopt;
  if (now - it->second->learned >= lifetime_) {
    erase(it);
    return std::nullopt;
  }
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
  auto it = index_.find(resource);
  if (it == index_.end()) return;
  erase(it);
  ++forgotten_;
}

void ResponsibleCache::clear() noexcept {
  index_.clear();
  order_.clear();
}

void ResponsibleCache::erase(std::map<wire::ResourceId, Order::iterator>::iterator it) {
  order_.erase(it->second);
  index_.erase(it);
}

}  // namespace reload::node
