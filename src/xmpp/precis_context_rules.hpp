// The contextual rules of RFC 5892 appendix A, which PRECIS takes over (RFC 8264 section
// 9.6 and 9.8): a CONTEXTJ or CONTEXTO code point is allowed only where its rule holds.
#pragma once

#include <cstddef>
#include <string_view>

namespace reload::xmpp::precis {

// Whether s[i], a CONTEXTJ or CONTEXTO code point, is allowed where it stands in `s` (the
// whole string: some rules look at every code point). False for a code point that has no
// rule: RFC 8264 section 8 makes a missing rule a refusal.
bool context_rule_holds(std::u32string_view s, std::size_t i) noexcept;

}  // namespace reload::xmpp::precis
