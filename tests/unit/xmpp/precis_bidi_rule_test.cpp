#include "xmpp/precis_bidi_rule.hpp"

#include <doctest/doctest.h>

using namespace reload::xmpp::precis;

TEST_CASE("only strings with R, AL or AN are right-to-left") {
  CHECK(has_right_to_left(U"\u05D0"));   // HEBREW ALEF, R
  CHECK(has_right_to_left(U"a\u0627"));  // ARABIC ALEF, AL
  CHECK(has_right_to_left(U"1\u0661"));  // ARABIC-INDIC DIGIT ONE, AN
  CHECK_FALSE(has_right_to_left(U"abc123"));
  CHECK_FALSE(has_right_to_left(U"\u06F1"));  // EXTENDED ARABIC-INDIC DIGIT ONE is EN
  CHECK_FALSE(has_right_to_left(U""));
}

TEST_CASE("RTL strings that satisfy the rule") {
  CHECK(satisfies_bidi_rule(U"\u05D0\u05D1"));
  CHECK(satisfies_bidi_rule(U"\u05D0123"));           // ends with EN
  CHECK(satisfies_bidi_rule(U"\u0627\u0661\u0662"));  // ends with AN
  CHECK(satisfies_bidi_rule(U"\u05D0\u05B0"));        // trailing NSM (SHEVA)
  CHECK(satisfies_bidi_rule(U"\u05D0-\u05D1"));       // ES in the middle
}

TEST_CASE("RTL strings that break the rule, condition by condition") {
  CHECK_FALSE(satisfies_bidi_rule(U"1\u05D0"));        // 1. starts with EN
  CHECK_FALSE(satisfies_bidi_rule(U"-\u05D0"));        // 1. starts with ES
  CHECK_FALSE(satisfies_bidi_rule(U"\u05D0a\u05D1"));  // 2. L inside an RTL string
  CHECK_FALSE(satisfies_bidi_rule(U"\u05D0-"));        // 3. ends with ES
  CHECK_FALSE(
      satisfies_bidi_rule(U"\u0627\u0661"
                          "1"));  // 4. AN and EN together
}

TEST_CASE("LTR strings, checked when they sit in a right-to-left domain") {
  CHECK(satisfies_bidi_rule(U"abc"));
  CHECK(satisfies_bidi_rule(U"abc1"));
  CHECK(satisfies_bidi_rule(U"e\u0301"));        // trailing NSM
  CHECK_FALSE(satisfies_bidi_rule(U"a\u05D0"));  // 5. R inside an LTR string
  CHECK_FALSE(satisfies_bidi_rule(U"ab-"));      // 6. ends with ES
  CHECK_FALSE(satisfies_bidi_rule(U"123"));      // 1. starts with EN
  CHECK_FALSE(satisfies_bidi_rule(U""));
  CHECK_FALSE(satisfies_bidi_rule(U"\u0301"));  // only an NSM
}
