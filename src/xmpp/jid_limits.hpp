// Size limits of a JID (RFC 7622 section 3.1).
#pragma once

#include <cstddef>

namespace reload::xmpp::jid_limits {

// Every part that is present holds 1 to 1023 octets of UTF-8, counted after preparation.
inline constexpr std::size_t max_part_octets = 1023;

// Input longer than this is refused before any Unicode work. Preparation can shrink a string
// (fullwidth to ASCII is 3 octets to 1, NFC composes a base and its marks), but no mapping
// here gets below an eighth of the input's octets, so such input could never fit in
// max_part_octets; refusing it early bounds the work an attacker can ask for.
inline constexpr std::size_t max_input_octets = 8 * max_part_octets;

}  // namespace reload::xmpp::jid_limits
