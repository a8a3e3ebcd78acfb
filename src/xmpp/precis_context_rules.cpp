#include "xmpp/precis_context_rules.hpp"

#include <algorithm>
#include <cstdint>

#include <unicode/uchar.h>
#include <unicode/uscript.h>

namespace reload::xmpp::precis {

namespace {

constexpr std::uint8_t virama_combining_class = 9;

bool is_virama(char32_t cp) noexcept {
  return u_getCombiningClass(static_cast<UChar32>(cp)) == virama_combining_class;
}

UScriptCode script_of(char32_t cp) noexcept {
  UErrorCode err = U_ZERO_ERROR;
  UScriptCode script = uscript_getScript(static_cast<UChar32>(cp), &err);
  return U_FAILURE(err) ? USCRIPT_INVALID_CODE : script;
}

UJoiningType joining_type(char32_t cp) noexcept {
  return static_cast<UJoiningType>(
      u_getIntPropertyValue(static_cast<UChar32>(cp), UCHAR_JOINING_TYPE));
}

bool is_arabic_indic_digit(char32_t cp) noexcept {
  return cp >= 0x0660 && cp <= 0x0669;
}
bool is_extended_arabic_indic_digit(char32_t cp) noexcept {
  return cp >= 0x06F0 && cp <= 0x06F9;
}

// RFC 5892 A.1, second half: (Joining_Type:{L,D})(Joining_Type:T)* ZWNJ
// (Joining_Type:T)*(Joining_Type:{R,D}) -- a ZWNJ that breaks a cursive join.
bool zwnj_breaks_a_join(std::u32string_view s, std::size_t i) noexcept {
  bool joins_left = false;
  for (std::size_t k = i; k-- > 0;) {
    UJoiningType t = joining_type(s[k]);
    if (t == U_JT_TRANSPARENT) continue;
    joins_left = t == U_JT_LEFT_JOINING || t == U_JT_DUAL_JOINING;
    break;
  }
  if (!joins_left) return false;
  for (std::size_t k = i + 1; k < s.size(); ++k) {
    UJoiningType t = joining_type(s[k]);
    if (t == U_JT_TRANSPARENT) continue;
    return t == U_JT_RIGHT_JOINING || t == U_JT_DUAL_JOINING;
  }
  return false;
}

}  // namespace

bool context_rule_holds(std::u32string_view s, std::size_t i) noexcept {
  if (i >= s.size()) return false;
  const char32_t cp = s[i];
  const bool has_before = i > 0;
  const bool has_after = i + 1 < s.size();
  const char32_t before = has_before ? s[i - 1] : 0;
  const char32_t after = has_after ? s[i + 1] : 0;

  if (is_arabic_indic_digit(cp))  // A.8: not mixed with the extended digits
    return std::none_of(s.begin(), s.end(), is_extended_arabic_indic_digit);
  if (is_extended_arabic_indic_digit(cp))  // A.9: not mixed with the Arabic-Indic digits
    return std::none_of(s.begin(), s.end(), is_arabic_indic_digit);

  switch (cp) {
    case 0x200C:  // A.1 ZERO WIDTH NON-JOINER: after a virama, or breaking a cursive join
      return (has_before && is_virama(before)) || zwnj_breaks_a_join(s, i);
    case 0x200D:  // A.2 ZERO WIDTH JOINER: after a virama only
      return has_before && is_virama(before);
    case 0x00B7:  // A.3 MIDDLE DOT: between two 'l' (Catalan ela geminada)
      return has_before && has_after && before == U'l' && after == U'l';
    case 0x0375:  // A.4 GREEK LOWER NUMERAL SIGN (KERAIA): a Greek code point follows
      return has_after && script_of(after) == USCRIPT_GREEK;
    case 0x05F3:  // A.5 HEBREW PUNCTUATION GERESH
    case 0x05F4:  // A.6 HEBREW PUNCTUATION GERSHAYIM: a Hebrew code point precedes
      return has_before && script_of(before) == USCRIPT_HEBREW;
    case 0x30FB:  // A.7 KATAKANA MIDDLE DOT: some Hiragana, Katakana or Han in the string
      return std::any_of(s.begin(), s.end(), [](char32_t c) {
        UScriptCode sc = script_of(c);
        return sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA || sc == USCRIPT_HAN;
      });
    default:
      return false;
  }
}

}  // namespace reload::xmpp::precis
