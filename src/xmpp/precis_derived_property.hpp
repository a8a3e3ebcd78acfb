// The PRECIS derived property of a code point (RFC 8264 section 8), computed from the
// Unicode character properties of the linked ICU (Unicode 15.0 for ICU 72), not from a
// table frozen at some Unicode version.
#pragma once

namespace reload::xmpp::precis {

enum class DerivedProperty {
  pvalid,     // valid in every string class
  free_pval,  // "ID_DIS or FREE_PVAL": valid in the FreeformClass only
  contextj,   // ZWNJ, ZWJ: valid only where RFC 5892 appendix A.1/A.2 says so
  contexto,   // the other exceptions with a contextual rule (RFC 5892 appendix A.3-A.9)
  disallowed,
  unassigned,  // not assigned in this Unicode version: treated as disallowed
};

DerivedProperty derived_property(char32_t cp) noexcept;

const char* to_string(DerivedProperty p) noexcept;

}  // namespace reload::xmpp::precis
