#include "xmpp/precis_derived_property.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace reload::xmpp::precis;
using P = DerivedProperty;

TEST_CASE("ASCII: printables are PVALID, space is ID_DIS/FREE_PVAL, controls are disallowed") {
  for (char32_t c = 0x21; c <= 0x7E; ++c) CHECK(derived_property(c) == P::pvalid);
  CHECK(derived_property(U' ') == P::free_pval);  // Spaces (N)
  for (char32_t c = 0; c < 0x20; ++c) CHECK(derived_property(c) == P::disallowed);
  CHECK(derived_property(0x7F) == P::disallowed);
}

TEST_CASE("letters and digits of any script and case are PVALID (LetterDigits)") {
  CHECK(derived_property(U'\u00E9') == P::pvalid);  // é, Ll
  CHECK(derived_property(U'\u03A3') == P::pvalid);  // Σ, Lu: valid in PRECIS, not in IDNA
  CHECK(derived_property(U'\u4E2D') == P::pvalid);  // 中, Lo
  CHECK(derived_property(U'\u0967') == P::pvalid);  // DEVANAGARI DIGIT ONE, Nd
  CHECK(derived_property(U'\u0301') == P::pvalid);  // COMBINING ACUTE ACCENT, Mn
  CHECK(derived_property(U'\u0903') == P::pvalid);  // DEVANAGARI SIGN VISARGA, Mc
  CHECK(derived_property(U'\u3005') == P::pvalid);  // IDEOGRAPHIC ITERATION MARK, Lm
}

TEST_CASE("the exceptions of RFC 5892 section 2.6 come first") {
  CHECK(derived_property(U'\u00DF') == P::pvalid);      // ß
  CHECK(derived_property(U'\u03C2') == P::pvalid);      // ς
  CHECK(derived_property(U'\u00B7') == P::contexto);    // MIDDLE DOT
  CHECK(derived_property(U'\u0375') == P::contexto);    // GREEK KERAIA
  CHECK(derived_property(U'\u05F3') == P::contexto);    // HEBREW GERESH
  CHECK(derived_property(U'\u30FB') == P::contexto);    // KATAKANA MIDDLE DOT
  CHECK(derived_property(U'\u0663') == P::contexto);    // ARABIC-INDIC DIGIT THREE, else Nd
  CHECK(derived_property(U'\u06F3') == P::contexto);    // EXTENDED ARABIC-INDIC DIGIT THREE
  CHECK(derived_property(U'\u0640') == P::disallowed);  // ARABIC TATWEEL, else Lm
  CHECK(derived_property(U'\u3031') == P::disallowed);  // VERTICAL KANA REPEAT MARK
}

TEST_CASE("join controls are CONTEXTJ") {
  CHECK(derived_property(U'\u200C') == P::contextj);
  CHECK(derived_property(U'\u200D') == P::contextj);
}

TEST_CASE("compatibility forms, symbols, punctuation, other letters are class-specific") {
  CHECK(derived_property(U'\u2163') == P::free_pval);      // Ⅳ: NFKC is "IV" (HasCompat)
  CHECK(derived_property(U'\uFB01') == P::free_pval);      // ﬁ ligature, an Ll with compat
  CHECK(derived_property(U'\u02B0') == P::free_pval);      // MODIFIER LETTER SMALL H: <super> h
  CHECK(derived_property(U'\uFF21') == P::free_pval);      // FULLWIDTH A (hence width mapping)
  CHECK(derived_property(U'\u00A0') == P::free_pval);      // NO-BREAK SPACE has compat
  CHECK(derived_property(U'\u212B') == P::free_pval);      // ANGSTROM SIGN: NFKC is Å
  CHECK(derived_property(U'\u265A') == P::free_pval);      // ♚, So
  CHECK(derived_property(U'\u20AC') == P::free_pval);      // €, Sc
  CHECK(derived_property(U'\u00BF') == P::free_pval);      // ¿, Po
  CHECK(derived_property(U'\u2260') == P::free_pval);      // ≠, Sm
  CHECK(derived_property(U'\U0001F600') == P::free_pval);  // 😀
  CHECK(derived_property(U'\u20DD') == P::free_pval);      // COMBINING ENCLOSING CIRCLE, Me
  CHECK(derived_property(U'\u16EE') == P::free_pval);      // RUNIC ARLAUG SYMBOL, Nl
  CHECK(derived_property(U'\u2003') == P::free_pval);      // EM SPACE
  CHECK(derived_property(U'\u00C5') == P::pvalid);         // Å itself: NFKC(Å) = Å
}

TEST_CASE("ignorables, old jamo, separators, private use and surrogates are disallowed") {
  CHECK(derived_property(U'\u00AD') == P::disallowed);  // SOFT HYPHEN, Default_Ignorable
  CHECK(derived_property(U'\u200B') == P::disallowed);  // ZERO WIDTH SPACE
  CHECK(derived_property(U'\uFE0F') == P::disallowed);  // VARIATION SELECTOR-16
  CHECK(derived_property(U'\u1100') == P::disallowed);  // HANGUL CHOSEONG KIYEOK (L jamo)
  CHECK(derived_property(U'\u11A8') == P::disallowed);  // HANGUL JONGSEONG KIYEOK (T jamo)
  CHECK(derived_property(U'\u2028') == P::disallowed);  // LINE SEPARATOR, Zl
  CHECK(derived_property(U'\u202E') == P::disallowed);  // RIGHT-TO-LEFT OVERRIDE
  CHECK(derived_property(U'\uE000') == P::disallowed);  // private use
  CHECK(derived_property(0xD800) == P::disallowed);     // a surrogate
  CHECK(derived_property(0x110000) == P::disallowed);   // not a code point at all
}

TEST_CASE("noncharacters are disallowed, unassigned code points are unassigned") {
  CHECK(derived_property(U'\uFFFE') == P::disallowed);
  CHECK(derived_property(U'\uFDD0') == P::disallowed);
  CHECK(derived_property(U'\U0010FFFF') == P::disallowed);
  CHECK(derived_property(U'\u0378') == P::unassigned);
  CHECK(derived_property(U'\U000E0080') == P::unassigned);
  // Assigned in Unicode 15.0 (ICU 72): the property follows the linked ICU, not a table.
  CHECK(derived_property(U'\U0001F6DC') == P::free_pval);  // WIRELESS, So
  CHECK(derived_property(U'\U00011F04') == P::pvalid);     // KAWI LETTER A, Lo
}

TEST_CASE("the properties have their RFC names") {
  CHECK(std::string(to_string(P::pvalid)) == "PVALID");
  CHECK(std::string(to_string(P::free_pval)) == "FREE_PVAL");
  CHECK(std::string(to_string(P::unassigned)) == "UNASSIGNED");
}
