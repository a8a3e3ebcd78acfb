// The Chord neighbor table (RFC 6940 section 10.1): the peers nearest before and after this
// one on the ring. Pure data: no links, no time.
#pragma once

#include <cstddef>
#include <vector>

#include "wire/node_id.hpp"

namespace reload::topology {

using wire::NodeId;

class NeighborTable {
 public:
  // The RFC asks for at least three of each (section 10.7); more survive more simultaneous
  // failures at the price of more Updates.
  NeighborTable(NodeId self, std::size_t successors = 3, std::size_t predecessors = 3);

  const NodeId& self() const noexcept { return self_; }
  // Nearest first: successors()[0] follows self clockwise, predecessors()[0] precedes it. In
  // a small ring one peer can be in both lists.
  const std::vector<NodeId>& successors() const noexcept { return succ_; }
  const std::vector<NodeId>& predecessors() const noexcept { return pred_; }

  // Offers a peer; true when either list changed. Self is never added.
  bool add(const NodeId& peer);
  // True when the peer was in a list.
  bool remove(const NodeId& peer);
  bool contains(const NodeId& peer) const noexcept;
  // Whether `peer` would enter a list if offered (it is nearer than the farthest entry, or
  // a list has room): tells which learned peers are worth an Attach.
  bool wants(const NodeId& peer) const;

  // A peer is responsible for keys in (predecessor, self] (section 10.1); alone, for all.
  bool responsible_for(const NodeId& key) const;
  // Both lists, without duplicates, successors first.
  std::vector<NodeId> members() const;
  // RFC 6940 section 6.3.4: an answer to a request for `key` counts when its sender is at
  // least as close to `key` as every member of this table. In Chord the closest peer to a
  // key is the first one at or after it going clockwise (the one responsible for it).
  bool at_least_as_close(const NodeId& key, const NodeId& responder) const;
  bool empty() const noexcept { return succ_.empty() && pred_.empty(); }

 private:
  bool insert_sorted(std::vector<NodeId>& list, std::size_t limit, const NodeId& peer,
                     bool clockwise);
  NodeId self_;
  std::size_t max_succ_;
  std::size_t max_pred_;
  std::vector<NodeId> succ_;
  std::vector<NodeId> pred_;
};

}  // namespace reload::topology
