#include "wire/node_id.hpp"

#include <algorithm>
#include <stdexcept>

namespace reload::wire {

NodeId::NodeId(Bytes b) {
  if (b.size() < min_size || b.size() > max_size)
    throw std::invalid_argument("a Node-ID is 16 to 20 bytes");
  std::copy(b.begin(), b.end(), bytes_.begin());
  size_ = static_cast<std::uint8_t>(b.size());
}

std::optional<NodeId> NodeId::from_hex(std::string_view hex) {
  Buffer raw;
  if (!wire::from_hex(hex, raw) || raw.size() < min_size || raw.size() > max_size)
    return std::nullopt;
  return NodeId(raw);
}

NodeId NodeId::wildcard(std::size_t size) {
  std::array<std::uint8_t, max_size> ones;
  ones.fill(0xff);
  return NodeId(Bytes(ones.data(), size));
}

bool NodeId::is_wildcard() const noexcept {
  return size_ != 0 && std::all_of(bytes_.begin(), bytes_.begin() + size_,
                                   [](std::uint8_t v) { return v == 0xff; });
}

ResourceId::ResourceId(Bytes b) {
  if (b.size() > max_size) throw std::invalid_argument("a Resource-ID is at most 255 bytes");
  bytes_.assign(b.begin(), b.end());
}

}  // namespace reload::wire
