#include "xmpp/precis_context_rules.hpp"

#include <doctest/doctest.h>

using namespace reload::xmpp::precis;

TEST_CASE("ZERO WIDTH JOINER: only right after a virama (A.2)") {
  // क्‍ष: KA, VIRAMA, ZWJ, SSA -- the half form of KA in Devanagari.
  CHECK(context_rule_holds(U"\u0915\u094D\u200D\u0937", 2));
  CHECK_FALSE(context_rule_holds(U"a\u200Db", 1));  // an emoji-style joiner between letters
  CHECK_FALSE(context_rule_holds(U"\u200Da", 0));   // nothing before it
}

TEST_CASE("ZERO WIDTH NON-JOINER: after a virama, or where it breaks a cursive join (A.1)") {
  CHECK(context_rule_holds(U"\u0915\u094D\u200C\u0937", 2));
  // Persian "mi-xaham": BEH (dual joining) ZWNJ KHAH (dual joining).
  CHECK(context_rule_holds(U"\u0628\u200C\u062E", 1));
  // Transparent marks in between do not break the pattern: BEH FATHA ZWNJ FATHA KHAH.
  CHECK(context_rule_holds(U"\u0628\u064E\u200C\u064E\u062E", 2));
  // ALEF joins only to the right: nothing on its left joins towards the ZWNJ.
  CHECK_FALSE(context_rule_holds(U"\u0627\u200C\u062E", 1));
  CHECK_FALSE(context_rule_holds(U"a\u200Cb", 1));
  CHECK_FALSE(context_rule_holds(U"\u0628\u200C", 1));
}

TEST_CASE("MIDDLE DOT: only between two 'l' (A.3, Catalan ela geminada)") {
  CHECK(context_rule_holds(U"col\u00B7legi", 3));
  CHECK_FALSE(context_rule_holds(U"a\u00B7b", 1));
  CHECK_FALSE(context_rule_holds(U"l\u00B7", 1));
  CHECK_FALSE(context_rule_holds(U"\u00B7l", 0));
}

TEST_CASE("GREEK KERAIA: a Greek code point follows (A.4)") {
  CHECK(context_rule_holds(U"\u0375\u03B1", 0));
  CHECK_FALSE(context_rule_holds(U"\u0375a", 0));
  CHECK_FALSE(context_rule_holds(U"\u03B1\u0375", 1));
}

TEST_CASE("HEBREW GERESH and GERSHAYIM: a Hebrew code point precedes (A.5, A.6)") {
  CHECK(context_rule_holds(U"\u05D0\u05F3", 1));
  CHECK(context_rule_holds(U"\u05D0\u05F4\u05D1", 1));
  CHECK_FALSE(context_rule_holds(U"a\u05F3", 1));
  CHECK_FALSE(context_rule_holds(U"\u05F4\u05D0", 0));
}

TEST_CASE("KATAKANA MIDDLE DOT: some Hiragana, Katakana or Han in the string (A.7)") {
  CHECK(context_rule_holds(U"\u30A2\u30FB\u30A4", 1));
  CHECK(context_rule_holds(U"\u30FBx\u4E2D", 0));
  CHECK_FALSE(context_rule_holds(U"a\u30FBb", 1));
  CHECK_FALSE(context_rule_holds(U"\u30FB", 0));  // the dot itself is script Common
}

TEST_CASE("Arabic-Indic and Extended Arabic-Indic digits do not mix (A.8, A.9)") {
  CHECK(context_rule_holds(U"\u0661\u0662", 0));
  CHECK(context_rule_holds(U"\u06F1\u06F2", 1));
  CHECK_FALSE(context_rule_holds(U"\u0661\u06F2", 0));
  CHECK_FALSE(context_rule_holds(U"\u0661\u06F2", 1));
}

TEST_CASE("a code point without a rule, or out of range, is refused") {
  CHECK_FALSE(context_rule_holds(U"abc", 1));
  CHECK_FALSE(context_rule_holds(U"abc", 3));
}
