// UTF-8 in and out of the code-point strings the PRECIS rules work on.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace reload::xmpp::precis {

// The code points of `utf8`, or nullopt unless it is well-formed UTF-8 (no overlong forms,
// no encoded surrogates, nothing above U+10FFFF).
std::optional<std::u32string> decode_utf8(std::string_view utf8);

// Precondition: every element of `s` is a Unicode scalar value.
std::string encode_utf8(std::u32string_view s);

}  // namespace reload::xmpp::precis
