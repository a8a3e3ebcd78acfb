// The "Bidi Rule" of RFC 5893 section 2, the directionality rule of the UsernameCaseMapped
// profile (RFC 8265 section 3.3.1) and of IDNA2008 domain labels.
#pragma once

#include <string_view>

namespace reload::xmpp::precis {

// Whether `s` holds a right-to-left code point (Bidi class R, AL or AN). Only such strings
// are subject to the rule: "123" or "abc" are never refused by it.
bool has_right_to_left(std::u32string_view s) noexcept;

// Whether `s` satisfies all six conditions of the Bidi Rule. An empty string does not.
bool satisfies_bidi_rule(std::u32string_view s) noexcept;

}  // namespace reload::xmpp::precis
