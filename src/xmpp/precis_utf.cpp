#include "xmpp/precis_utf.hpp"

#include <climits>
#include <cstdint>

#include <unicode/utf8.h>

namespace reload::xmpp::precis {

std::optional<std::u32string> decode_utf8(std::string_view utf8) {
  if (utf8.size() > static_cast<std::size_t>(INT32_MAX))
    return std::nullopt;  // ICU indexes by int32
  std::u32string out;
  out.reserve(utf8.size());
  const auto* s = reinterpret_cast<const std::uint8_t*>(utf8.data());
  const auto length = static_cast<std::int32_t>(utf8.size());
  std::int32_t i = 0;
  while (i < length) {
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);  // ICU's strict decoder: c < 0 for every ill-formed sequence
    if (c < 0) return std::nullopt;
    out.push_back(static_cast<char32_t>(c));
  }
  return out;
}

std::string encode_utf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) {
    std::uint8_t buf[U8_MAX_LENGTH];
    std::int32_t n = 0;
    U8_APPEND_UNSAFE(buf, n, static_cast<UChar32>(c));
    out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace reload::xmpp::precis
