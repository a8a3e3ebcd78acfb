#include "wire/ring.hpp"

#include <algorithm>
#include <stdexcept>

namespace reload::wire::ring {

namespace {
void same_size(const NodeId& a, const NodeId& b) {
  if (a.size() != b.size() || a.empty()) throw std::invalid_argument("Node-ID sizes differ");
}
}  // namespace

NodeId add(const NodeId& a, const NodeId& b) {
  same_size(a, b);
  NodeId out = a;
  unsigned carry = 0;
  for (std::size_t i = a.size(); i-- > 0;) {
    unsigned s = unsigned{a.bytes()[i]} + b.bytes()[i] + carry;
    out.data()[i] = static_cast<std::uint8_t>(s);
    carry = s >> 8;
  }
  return out;
}

NodeId sub(const NodeId& a, const NodeId& b) {
  same_size(a, b);
  NodeId out = a;
  int borrow = 0;
  for (std::size_t i = a.size(); i-- > 0;) {
    int d = int{a.bytes()[i]} - int{b.bytes()[i]} - borrow;
    borrow = d < 0;
    out.data()[i] = static_cast<std::uint8_t>(d + (borrow ? 256 : 0));
  }
  return out;
}

NodeId predecessor_point(const NodeId& a) {
  NodeId one = a;
  std::fill(one.data(), one.data() + one.size(), std::uint8_t{0});
  return sub(a, add_power_of_two(one, 0));
}

NodeId add_power_of_two(const NodeId& a, unsigned exponent) {
  if (a.empty() || exponent >= a.size() * 8) throw std::invalid_argument("exponent too large");
  NodeId out = a;
  std::size_t byte = a.size() - 1 - exponent / 8;
  unsigned carry = 1u << (exponent % 8);
  for (std::size_t i = byte + 1; i-- > 0 && carry;) {
    unsigned s = unsigned{out.data()[i]} + carry;
    out.data()[i] = static_cast<std::uint8_t>(s);
    carry = s >> 8;
  }
  return out;
}

NodeId finger_target(const NodeId& self, unsigned i) {
  unsigned bits = static_cast<unsigned>(self.size() * 8);
  if (i < 1 || i > bits) throw std::invalid_argument("finger index out of range");
  return add_power_of_two(self, bits - i);
}

bool in_half_open(const NodeId& x, const NodeId& from, const NodeId& to) {
  if (from == to) return true;
  if (from < to) return from < x && x <= to;
  return x > from || x <= to;  // the interval wraps past zero
}

bool in_open(const NodeId& x, const NodeId& from, const NodeId& to) {
  if (from == to) return x != from;
  if (from < to) return from < x && x < to;
  return x > from || x < to;
}

std::uint32_t share_ppb(const NodeId& pred, const NodeId& self) {
  if (pred == self) return 1'000'000'000u;
  NodeId d = sub(self, pred);
  // The top 64 bits of the distance are plenty for nine decimal digits.
  std::uint64_t top = 0;
  for (std::size_t i = 0; i < 8; ++i) top = (top << 8) | d.bytes()[i];
  __extension__ using u128 = unsigned __int128;
  u128 ppb = (u128{top} * 1'000'000'000u) >> 64;
  return static_cast<std::uint32_t>(ppb);
}

NodeId point_of(const ResourceId& id, std::size_t size) {
  std::array<std::uint8_t, NodeId::max_size> raw{};
  auto b = id.bytes();
  std::copy_n(b.begin(), std::min(b.size(), size), raw.begin());
  return NodeId(Bytes(raw.data(), size));
}

}  // namespace reload::wire::ring
