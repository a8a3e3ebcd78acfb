// Test helpers: byte vectors written as hex with spaces, as the RFC's examples are.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "wire/bytes.hpp"

namespace reload::test {

// "d2 45 4c 4f" -> bytes. Whitespace is ignored; anything else non-hex throws.
inline wire::Buffer hex(std::string_view spaced) {
  std::string compact;
  for (char c : spaced)
    if (c != ' ' && c != '\n' && c != '\t') compact.push_back(c);
  wire::Buffer out;
  if (!wire::from_hex(compact, out)) throw std::invalid_argument("bad hex in test");
  return out;
}

inline wire::Buffer concat(std::initializer_list<wire::Buffer> parts) {
  wire::Buffer out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace reload::test
