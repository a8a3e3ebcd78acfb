// The mapping rules the profiles of RFC 8265 use (RFC 8264 section 5.2), each on its own so
// that the JID domainpart (RFC 7622 section 3.2.3) can reuse the same ones.
#pragma once

#include <string>
#include <string_view>

namespace reload::xmpp::precis {

// Width Mapping Rule: a fullwidth or halfwidth code point (Decomposition_Type Wide or Narrow)
// becomes its decomposition mapping: U+FF21 -> "A", U+3000 -> " ", U+FF76 -> U+30AB.
std::u32string map_width(std::u32string_view s);

// OpaqueString's Additional Mapping Rule: every non-ASCII space (General_Category Zs other
// than U+0020) becomes U+0020.
std::u32string map_non_ascii_spaces(std::u32string_view s);

// Case Mapping Rule: Unicode toLowerCase() with the full (SpecialCasing) mappings of the root
// locale, e.g. U+0130 -> "i" U+0307, but without the context-dependent Final_Sigma
// condition: every capital sigma becomes U+03C3, so "ΣΑΣ" -> "σασ" wherever it stands
// (RFC 8265 section 3.5: the mapping rules do not account for final sigma).
std::u32string to_lower(std::u32string_view s);

// Normalization Rule: Unicode Normalization Form C.
std::u32string to_nfc(std::u32string_view s);

}  // namespace reload::xmpp::precis
