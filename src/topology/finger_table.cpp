#include "topology/finger_table.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <stdexcept>

#include "wire/ring.hpp"

namespace reload::topology {

namespace ring = wire::ring;

FingerTable::FingerTable(NodeId self)
    : self_(self), bits_(static_cast<unsigned>(self.size() * 8)), entries_(bits_) {}

unsigned FingerTable::index_of(const NodeId& peer) const {
  NodeId d = ring::distance(self_, peer);
  auto b = d.bytes();
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (b[i] == 0) continue;
    // The highest set bit of the distance is bit e = bits - i_finger.
    unsigned e = static_cast<unsigned>((b.size() - 1 - i) * 8) +
                 static_cast<unsigned>(std::bit_width(b[i])) - 1;
    return bits_ - e;
  }
  return 0;
}

NodeId FingerTable::target(unsigned i) const { return ring::finger_target(self_, i); }

NodeId FingerTable::random_point(unsigned i, std::uint64_t random64) const {
  // An offset below 2^(bits-i): random bits masked to the range's width. Only the low 64
  // bits are drawn; wider ranges start at random points within their first 2^64 ids,
  // which spreads searches just as well for rings of any realistic size.
  NodeId start = target(i);
  unsigned width = bits_ - i;  // the offset has `width` bits
  std::array<std::uint8_t, NodeId::max_size> zero{};
  NodeId offset(wire::Bytes(zero.data(), self_.size()));
  std::uint64_t r = width >= 64 ? random64 : (random64 & ((std::uint64_t{1} << width) - 1));
  for (std::size_t k = 0; k < 8; ++k)
    offset.data()[offset.size() - 1 - k] = static_cast<std::uint8_t>(r >> (8 * k));
  return ring::add(start, offset);
}

bool FingerTable::offer(const NodeId& peer) {
  unsigned i = index_of(peer);
  if (i == 0) return false;
  auto& e = entries_[i - 1];
  if (e && !(ring::distance(self_, peer) < ring::distance(self_, *e))) return false;
  e = peer;
  return true;
}

bool FingerTable::remove(const NodeId& peer) {
  bool found = false;
  for (auto& e : entries_)
    if (e && *e == peer) {
      e.reset();
      found = true;
    }
  return found;
}

std::vector<NodeId> FingerTable::peers() const {
  std::vector<NodeId> out;
  for (const auto& e : entries_)
    if (e) out.push_back(*e);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace reload::topology
