// Node-ID arithmetic on the ring of 2^(8*size) identifiers (RFC 6940 section 10.1), for
// Node-IDs of any overlay length. All operations are modulo the ring size; both operands of
// a binary operation must have the same size.
#pragma once

#include <cstdint>

#include "wire/node_id.hpp"

namespace reload::wire::ring {

NodeId add(const NodeId& a, const NodeId& b);
NodeId sub(const NodeId& a, const NodeId& b);  // a - b: how far b lies behind a
NodeId add_power_of_two(const NodeId& a, unsigned exponent);  // a + 2^exponent
inline NodeId successor_point(const NodeId& a) { return add_power_of_two(a, 0); }  // a + 1
NodeId predecessor_point(const NodeId& a);                                          // a - 1

// Finger i of `self` aims at self + 2^(bits - i), i = 1 .. bits (section 10.5).
NodeId finger_target(const NodeId& self, unsigned i);

// x in (from, to] going clockwise. When from == to the interval is the whole ring: a peer
// alone is responsible for every key.
bool in_half_open(const NodeId& x, const NodeId& from, const NodeId& to);
// x in (from, to), open at both ends; empty when from == to except for x != from.
bool in_open(const NodeId& x, const NodeId& from, const NodeId& to);

// Clockwise distance from `from` to `to` (to - from).
inline NodeId distance(const NodeId& from, const NodeId& to) { return sub(to, from); }

// The share of the ring in (pred, self], in parts per billion (Probe's responsible_set).
std::uint32_t share_ppb(const NodeId& pred, const NodeId& self);

// A Resource-ID read as a point on the ring: its first `size` bytes, zero-padded.
NodeId point_of(const ResourceId& id, std::size_t size);

}  // namespace reload::wire::ring
