#include "xmpp/precis_derived_property.hpp"

#include <cstdint>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utf16.h>

namespace reload::xmpp::precis {

namespace {

// Exceptions (F): the one table no Unicode property gives (RFC 5892 section 2.6, taken over
// by RFC 8264 section 9.6). Checked before everything else.
bool exception_value(char32_t cp, DerivedProperty& out) noexcept {
  switch (cp) {
    // PVALID, would otherwise be DISALLOWED (sharp s and final sigma are why "fußball" and
    // "ς" are valid identifiers).
    case 0x00DF:
    case 0x03C2:
    case 0x06FD:
    case 0x06FE:
    case 0x0F0B:
    case 0x3007:
      out = DerivedProperty::pvalid;
      return true;
    // CONTEXTO, would otherwise be DISALLOWED.
    case 0x00B7:
    case 0x0375:
    case 0x05F3:
    case 0x05F4:
    case 0x30FB:
      out = DerivedProperty::contexto;
      return true;
    // DISALLOWED, would otherwise be PVALID.
    case 0x0640:
    case 0x07FA:
    case 0x302E:
    case 0x302F:
    case 0x3031:
    case 0x3032:
    case 0x3033:
    case 0x3034:
    case 0x3035:
    case 0x303B:
      out = DerivedProperty::disallowed;
      return true;
    default:
      break;
  }
  // CONTEXTO, would otherwise be PVALID: the two sets of Arabic-Indic digits.
  if ((cp >= 0x0660 && cp <= 0x0669) || (cp >= 0x06F0 && cp <= 0x06F9)) {
    out = DerivedProperty::contexto;
    return true;
  }
  return false;
}

bool noncharacter(UChar32 c) noexcept {
  return u_hasBinaryProperty(c, UCHAR_NONCHARACTER_CODE_POINT);
}

// HasCompat (Q): toNFKC(cp) != cp.
bool has_compat(UChar32 c) noexcept {
  UErrorCode err = U_ZERO_ERROR;
  const UNormalizer2* nfkc = unorm2_getNFKCInstance(&err);
  if (U_FAILURE(err)) return true;  // no normalisation data: refuse rather than guess
  UChar buf[U16_MAX_LENGTH];
  std::int32_t n = 0;
  U16_APPEND_UNSAFE(buf, n, c);
  bool normalized = unorm2_isNormalized(nfkc, buf, n, &err);
  return U_FAILURE(err) || !normalized;
}

}  // namespace

DerivedProperty derived_property(char32_t cp) noexcept {
  if (cp > 0x10FFFF) return DerivedProperty::disallowed;
  const auto c = static_cast<UChar32>(cp);
  DerivedProperty exception{};
  if (exception_value(cp, exception)) return exception;
  // BackwardCompatible (G) is empty in RFC 8264.
  const auto category = static_cast<UCharCategory>(u_charType(c));
  if (category == U_UNASSIGNED && !noncharacter(c)) return DerivedProperty::unassigned;
  if (cp >= 0x21 && cp <= 0x7E) return DerivedProperty::pvalid;  // ASCII7 (K)
  if (u_hasBinaryProperty(c, UCHAR_JOIN_CONTROL)) return DerivedProperty::contextj;
  switch (u_getIntPropertyValue(c, UCHAR_HANGUL_SYLLABLE_TYPE)) {  // OldHangulJamo (I)
    case U_HST_LEADING_JAMO:
    case U_HST_VOWEL_JAMO:
    case U_HST_TRAILING_JAMO:
      return DerivedProperty::disallowed;
    default:
      break;
  }
  // PrecisIgnorableProperties (M)
  if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) || noncharacter(c))
    return DerivedProperty::disallowed;
  if (category == U_CONTROL_CHAR) return DerivedProperty::disallowed;  // Controls (L)
  if (has_compat(c)) return DerivedProperty::free_pval;
  switch (category) {
    // LetterDigits (A)
    case U_LOWERCASE_LETTER:
    case U_UPPERCASE_LETTER:
    case U_OTHER_LETTER:
    case U_DECIMAL_DIGIT_NUMBER:
    case U_MODIFIER_LETTER:
    case U_NON_SPACING_MARK:
    case U_COMBINING_SPACING_MARK:
      return DerivedProperty::pvalid;
    // OtherLetterDigits (R), Spaces (N), Symbols (O), Punctuation (P)
    case U_TITLECASE_LETTER:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER:
    case U_ENCLOSING_MARK:
    case U_SPACE_SEPARATOR:
    case U_MATH_SYMBOL:
    case U_CURRENCY_SYMBOL:
    case U_MODIFIER_SYMBOL:
    case U_OTHER_SYMBOL:
    case U_CONNECTOR_PUNCTUATION:
    case U_DASH_PUNCTUATION:
    case U_START_PUNCTUATION:
    case U_END_PUNCTUATION:
    case U_INITIAL_PUNCTUATION:
    case U_FINAL_PUNCTUATION:
    case U_OTHER_PUNCTUATION:
      return DerivedProperty::free_pval;
    default:
      return DerivedProperty::disallowed;  // Zl, Zp, Cf, Co, Cs, noncharacters
  }
}

const char* to_string(DerivedProperty p) noexcept {
  switch (p) {
    case DerivedProperty::pvalid:
      return "PVALID";
    case DerivedProperty::free_pval:
      return "FREE_PVAL";
    case DerivedProperty::contextj:
      return "CONTEXTJ";
    case DerivedProperty::contexto:
      return "CONTEXTO";
    case DerivedProperty::disallowed:
      return "DISALLOWED";
    case DerivedProperty::unassigned:
      return "UNASSIGNED";
  }
  return "?";
}

}  // namespace reload::xmpp::precis
