// Why a JID, or one of its parts, was refused (RFC 7622; PRECIS, RFC 8264/8265; IDNA2008).
//
// One error category, `jid_category()`. An error_code of it carries three things packed in
// its value: the reason (a `jid_errc`), the part it is about (localpart, domainpart,
// resourcepart, or none when a bare PRECIS profile refused a string) and a detail, the code
// point for character errors. So the message is a complete line, e.g.
// "localpart: disallowed character U+0020", and a caller tests the reason with
// `ec == jid_errc::disallowed_character` (jid_errc is an error condition: the comparison
// ignores part and detail).
#pragma once

#include <cstdint>
#include <type_traits>

#include <boost/system/error_code.hpp>

namespace reload::xmpp {

enum class JidPart : std::uint8_t {
  none = 0,  // a PRECIS profile applied to a string that is not (yet) a JID part
  localpart = 1,
  domainpart = 2,
  resourcepart = 3,
};

// "localpart", "domainpart", "resourcepart", or "" for none.
const char* to_string(JidPart part) noexcept;

enum class jid_errc {
  invalid_utf8 = 1,      // the part is not well-formed UTF-8
  empty,                 // zero octets (RFC 7622: every part present is 1..1023 octets)
  too_long,              // more than 1023 octets after preparation
  disallowed_character,  // a code point the string class or RFC 7622 forbids (detail: it)
  unassigned_character,  // a code point unassigned in ICU's Unicode version (detail: it)
  context_rule,          // ZWJ/ZWNJ or a CONTEXTO code point whose rule fails (detail: it)
  bidi_rule,             // a right-to-left string that breaks the Bidi Rule (RFC 5893)
  unstable,              // the rules reach no fixed point (RFC 8264 section 7)
  empty_label,           // domainpart: "a..b" or a leading dot
  hyphen_in_label,       // domainpart: a label begins or ends with '-'
  reserved_label,        // domainpart: "??--" label that is not a valid A-label (RFC 5890)
  label_too_long,        // domainpart: a label of more than 63 octets
  idna,                  // domainpart: libidn2 refuses a label (detail: -idn2 return code)
  bad_ip_literal,        // domainpart: "[...]" that is not an IPv6 address
};

const boost::system::error_category& jid_category() noexcept;

// The error for `reason` about `part`; `detail` is the code point for character errors
// (at most 0x10FFFF; anything larger is cut to 21 bits).
boost::system::error_code make_jid_error(jid_errc reason, JidPart part = JidPart::none,
                                         std::uint32_t detail = 0) noexcept;

// The same error, now about `part` (how the JID layer names the part of a PRECIS refusal).
// Errors of other categories are returned unchanged.
boost::system::error_code with_part(const boost::system::error_code& ec, JidPart part) noexcept;

// The fields of a jid_category() error (none / 0 for errors of other categories).
JidPart jid_error_part(const boost::system::error_code& ec) noexcept;
std::uint32_t jid_error_detail(const boost::system::error_code& ec) noexcept;

inline boost::system::error_condition make_error_condition(jid_errc e) noexcept {
  return {static_cast<int>(e), jid_category()};
}

}  // namespace reload::xmpp

template <>
struct boost::system::is_error_condition_enum<reload::xmpp::jid_errc> : std::true_type {};
