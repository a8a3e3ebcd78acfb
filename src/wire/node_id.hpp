// Node-IDs and Resource-IDs (RFC 6940 section 6.3.1.1).
//
// A NodeId is a fixed-length string of NodeIdLength bytes (16 to 20, set per overlay; 16 for
// CHORD-RELOAD) with no length byte on the wire. A ResourceId is variable length (0 to 255
// bytes) with a one-byte length on the wire. Both are plain values, cheap to copy.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/container/small_vector.hpp>

#include "wire/bytes.hpp"

namespace reload::wire {

class NodeId {
 public:
  static constexpr std::size_t min_size = 16;
  static constexpr std::size_t max_size = 20;

  NodeId() = default;  // empty (size 0): "no Node-ID"
  // Precondition: min_size <= b.size() <= max_size (checked; throws std::invalid_argument).
  explicit NodeId(Bytes b);

  // nullopt unless `hex` is 32 to 40 hex digits (16 to 20 bytes).
  static std::optional<NodeId> from_hex(std::string_view hex);
  // The all-ones Node-ID of the given length: the wildcard (RFC 6940 section 6.1.1).
  static NodeId wildcard(std::size_t size = min_size);

  Bytes bytes() const noexcept { return {bytes_.data(), size_}; }
  std::uint8_t* data() noexcept { return bytes_.data(); }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  bool is_wildcard() const noexcept;
  std::string hex() const { return to_hex(bytes()); }

  // Big-endian unsigned order for equal sizes (the order of the ring's numbers).
  friend auto operator<=>(const NodeId&, const NodeId&) = default;
  friend bool operator==(const NodeId&, const NodeId&) = default;

 private:
  std::array<std::uint8_t, max_size> bytes_{};
  std::uint8_t size_ = 0;
};

class ResourceId {
 public:
  static constexpr std::size_t max_size = 255;

  ResourceId() = default;
  // Precondition: b.size() <= max_size (checked; throws std::invalid_argument).
  explicit ResourceId(Bytes b);

  Bytes bytes() const noexcept { return {bytes_.data(), bytes_.size()}; }
  std::size_t size() const noexcept { return bytes_.size(); }
  bool empty() const noexcept { return bytes_.empty(); }
  std::string hex() const { return to_hex(bytes()); }

  friend auto operator<=>(const ResourceId& a, const ResourceId& b) {
    return std::lexicographical_compare_three_way(a.bytes_.begin(), a.bytes_.end(),
                                                  b.bytes_.begin(), b.bytes_.end());
  }
  friend bool operator==(const ResourceId& a, const ResourceId& b) {
    return equal_bytes(a.bytes(), b.bytes());
  }

 private:
  // Chord's Resource-IDs are 16 bytes: they never reach the heap.
  boost::container::small_vector<std::uint8_t, 20> bytes_;
};

}  // namespace reload::wire
