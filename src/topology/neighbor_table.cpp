#include "topology/neighbor_table.hpp"

#include <algorithm>

#include "wire/ring.hpp"

namespace reload::topology {

namespace ring = wire::ring;

NeighborTable::NeighborTable(NodeId self, std::size_t successors, std::size_t predecessors)
    : self_(self), max_succ_(successors), max_pred_(predecessors) {}

namespace {
// How far `peer` is from `self` in the list's direction.
NodeId reach(const NodeId& self, const NodeId& peer, bool clockwise) {
  return clockwise ? ring::distance(self, peer) : ring::distance(peer, self);
}

bool would_enter(const std::vector<NodeId>& list, std::size_t limit, const NodeId& self,
                 const NodeId& peer, bool clockwise) {
  if (peer == self || std::find(list.begin(), list.end(), peer) != list.end()) return false;
  if (list.size() < limit) return true;
  return reach(self, peer, clockwise) < reach(self, list.back(), clockwise);
}
}  // namespace

bool NeighborTable::insert_sorted(std::vector<NodeId>& list, std::size_t limit,
                                  const NodeId& peer, bool clockwise) {
  if (!would_enter(list, limit, self_, peer, clockwise)) return false;
  NodeId d = reach(self_, peer, clockwise);
  auto at = std::find_if(list.begin(), list.end(), [&](const NodeId& x) {
    return d < reach(self_, x, clockwise);
  });
  list.insert(at, peer);
  if (list.size() > limit) list.pop_back();
  return true;
}

bool NeighborTable::add(const NodeId& peer) {
  bool a = insert_sorted(succ_, max_succ_, peer, true);
  bool b = insert_sorted(pred_, max_pred_, peer, false);
  return a || b;
}

bool NeighborTable::remove(const NodeId& peer) {
  auto s = std::erase(succ_, peer);
  auto p = std::erase(pred_, peer);
  return s + p > 0;
}

bool NeighborTable::contains(const NodeId& peer) const noexcept {
  return std::find(succ_.begin(), succ_.end(), peer) != succ_.end() ||
         std::find(pred_.begin(), pred_.end(), peer) != pred_.end();
}

bool NeighborTable::wants(const NodeId& peer) const {
  return would_enter(succ_, max_succ_, self_, peer, true) ||
         would_enter(pred_, max_pred_, self_, peer, false);
}

bool NeighborTable::responsible_for(const NodeId& key) const {
  if (pred_.empty()) return true;
  return ring::in_half_open(key, pred_.front(), self_);
}

bool NeighborTable::at_least_as_close(const NodeId& key, const NodeId& responder) const {
  const auto reach = ring::distance(key, responder);
  auto closer = [&](const NodeId& member) { return ring::distance(key, member) < reach; };
  return std::none_of(succ_.begin(), succ_.end(), closer) && std::none_of(pred_.begin(), pred_.end(), closer);
}

std::vector<NodeId> NeighborTable::members() const {
  std::vector<NodeId> out = succ_;
  for (const auto& p : pred_)
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  return out;
}

}  // namespace reload::topology
