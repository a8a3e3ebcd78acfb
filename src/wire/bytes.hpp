// Byte strings as the codec sees them.
//
// Decoded structures do not own their opaque fields: a `Bytes` is a view into the buffer that
// was decoded (zero-copy, as Boost.Beast's parser hands out string_views), so a decoded value
// lives only as long as that buffer. To keep data, keep the encoded bytes (the storage layer
// keeps every StoredData as its encoded bytes anyway) or copy with to_buffer().
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace reload::wire {

using Bytes = std::span<const std::uint8_t>;
using Buffer = std::vector<std::uint8_t>;

inline Bytes as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_string_view(Bytes b) noexcept {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline Buffer to_buffer(Bytes b) { return Buffer(b.begin(), b.end()); }

inline bool equal_bytes(Bytes a, Bytes b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// Lower-case hex of the bytes, no separators.
std::string to_hex(Bytes b);
// Parses hex (upper or lower case, no separators); false on odd length or a non-hex digit.
bool from_hex(std::string_view hex, Buffer& out);

}  // namespace reload::wire
