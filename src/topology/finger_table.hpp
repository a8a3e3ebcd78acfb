// The Chord finger table (RFC 6940 sections 10.1, 10.5, 10.7.4.2): entry i (1 .. bits) is a
// peer in [self + 2^(bits-i), self + 2^(bits-i+1) - 1]. Every peer other than self falls in
// exactly one entry's range, so offering a peer can only improve that entry: the nearest to
// the range's start wins, as Chord's finger is the successor of its target. Pure data.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "wire/node_id.hpp"

namespace reload::topology {

using wire::NodeId;

class FingerTable {
 public:
  explicit FingerTable(NodeId self);

  unsigned size() const noexcept { return bits_; }  // the number of entries, 8 * Node-ID length
  // The entry whose range holds `peer` (1 .. bits); 0 for self.
  unsigned index_of(const NodeId& peer) const;
  // The first point of entry i's range: self + 2^(bits-i), the Attach target of section 10.5.
  NodeId target(unsigned i) const;
  // A point drawn from entry i's range by `random64` (section 10.7.4.2 asks for random points).
  NodeId random_point(unsigned i, std::uint64_t random64) const;

  const std::optional<NodeId>& at(unsigned i) const { return entries_.at(i - 1); }
  // True when the peer became its entry.
  bool offer(const NodeId& peer);
  // True when the peer was an entry (it is removed from every entry it held).
  bool remove(const NodeId& peer);
  // The distinct peers of the table, in ascending Node-ID order (what a full Update carries).
  std::vector<NodeId> peers() const;

 private:
  NodeId self_;
  unsigned bits_;
  std::vector<std::optional<NodeId>> entries_;  // entries_[i - 1] is entry i
};

}  // namespace reload::topology
