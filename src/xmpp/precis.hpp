// PRECIS (RFC 8264): the two string classes and the two profiles of RFC 8265 an XMPP address
// is made of (RFC 7622): UsernameCaseMapped for the localpart, OpaqueString for the
// resourcepart. Enforcement gives the string that comparison compares octet for octet.
//
// Built on ICU 72 (Unicode 15.0). Errors are jid_category() errors with JidPart::none; the
// JID layer names the part (with_part()).
#pragma once

#include <string>
#include <string_view>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace reload::xmpp::precis {

enum class StringClass {
  identifier,  // letters and digits, ASCII printables; no spaces, symbols or compat forms
  freeform,    // almost anything printable, spaces and symbols included
};

enum class Profile {
  username_case_mapped,  // IdentifierClass; width map, lowercase, NFC, Bidi Rule
  opaque_string,         // FreeformClass; non-ASCII spaces to U+0020, NFC
};

// Enforcement of `profile` on `utf8`: the rules in the order of RFC 8264 section 7 (width,
// additional and case mapping, normalisation, directionality), repeated until the result
// is stable, then the string class's rules on the result, then the refusal of an empty
// string. Idempotent: enforcing the result again gives the result. The work grows with the
// input; callers bound its size (the JID functions refuse more than 8 x 1023 octets).
boost::system::result<std::string> enforce(Profile profile, std::string_view utf8);

// The string class's behavioural rules alone, on code points: the first disallowed,
// unassigned or out-of-context code point, or success.
boost::system::error_code check_string_class(StringClass string_class, std::u32string_view s);

}  // namespace reload::xmpp::precis
