#include "xmpp/precis.hpp"

#include <doctest/doctest.h>

#include <string>

#include "xmpp/jid_errors.hpp"

using namespace reload::xmpp;
using namespace reload::xmpp::precis;

namespace {
std::string username(std::string_view s) {
  auto r = enforce(Profile::username_case_mapped, s);
  return r ? *r : "ERROR " + r.error().message();
}
std::string opaque(std::string_view s) {
  auto r = enforce(Profile::opaque_string, s);
  return r ? *r : "ERROR " + r.error().message();
}
}  // namespace

TEST_CASE("UsernameCaseMapped: the legal userparts of RFC 8265 section 3.5") {
  CHECK(username("juliet@example.com") == "juliet@example.com");  // '@' is IdentifierClass
  CHECK(username("fussball") == "fussball");
  CHECK(username("fu\u00DFball") == "fu\u00DFball");
  CHECK(username("\u03C0") == "\u03C0");
  CHECK(username("\u03A3") == "\u03C3");  // Σ is mapped to σ ...
  CHECK(username("\u03C3") == "\u03C3");
  CHECK(username("\u03C2") == "\u03C2");  // ... but ς stays ς, a different userpart
}

TEST_CASE("UsernameCaseMapped: the illegal userparts of RFC 8265 section 3.5") {
  CHECK(username("foo bar") == "ERROR disallowed character U+0020");
  CHECK(username("") == "ERROR empty");
  // ROMAN NUMERAL FOUR: case mapping makes it ⅳ, which still has a compatibility
  // decomposition ("iv"), so the IdentifierClass refuses it.
  CHECK(username("henry\u2163") == "ERROR disallowed character U+2173");
  CHECK(username("\u265A") == "ERROR disallowed character U+265A");
}

TEST_CASE("where PRECIS and the old stringprep (nodeprep, RFC 3920) disagree") {
  // 1. Stringprep case-folds ß to "ss", so "Fußball" and "fussball" were one account.
  //    PRECIS lowercases (RFC 8264 section 5.2.3: toLowerCase, not toCaseFold): they are
  //    two, and "Fußball" prepares to "fußball".
  CHECK(username("Fu\u00DFball") == "fu\u00DFball");
  CHECK(username("Fu\u00DFball") != username("fussball"));
  // 2. Σ: both give σ, so "ΣΑΣ" prepares to "σασ" either way. But stringprep also folds the
  //    final ς to σ, so "σας" was "σασ"; PRECIS keeps ς (PVALID by RFC 5892 exception), so
  //    "σας" and "ΣΑΣ" are different users now. Context-free lowercasing is what makes this
  //    stable: "ΣΑΣ" is not turned into "σας" by its position at the end of a word.
  CHECK(username("\u03A3\u0391\u03A3") == "\u03C3\u03B1\u03C3");
  CHECK(username("\u03C3\u03B1\u03C2") == "\u03C3\u03B1\u03C2");
  CHECK(username("\u03A3\u0391\u03A3") != username("\u03C3\u03B1\u03C2"));
  // 3. Ⅳ: stringprep's NFKC turned "henryⅣ" into "henryiv", a valid name. PRECIS uses NFC
  //    and refuses compatibility characters in identifiers outright, so it is an error.
  CHECK(enforce(Profile::username_case_mapped, "henry\u2163").error() ==
        jid_errc::disallowed_character);
  CHECK(username("henryiv") == "henryiv");
}

TEST_CASE("UsernameCaseMapped: width mapping comes before the class check") {
  // Without it, fullwidth letters would be refused (HasCompat); with it they are ASCII.
  CHECK(username("\uFF2A\uFF55\uFF4C\uFF49\uFF45\uFF54") == "juliet");
  CHECK(username("\uFF76\uFF9E") == "\u30AC");  // halfwidth KA + voiced mark -> NFC GA
  // IDEOGRAPHIC SPACE maps to SPACE, which identifiers refuse all the same.
  CHECK(username("a\u3000b") == "ERROR disallowed character U+0020");
}

TEST_CASE("UsernameCaseMapped: the Bidi Rule for right-to-left strings") {
  CHECK(username("\u05D0\u05D1") == "\u05D0\u05D1");
  CHECK(username("\u05D0"
                 "1") ==
        "\u05D0"
        "1");
  CHECK(username("1\u05D0") == "ERROR right-to-left text breaks the Bidi Rule (RFC 5893)");
  CHECK(username("a\u05D0") == "ERROR right-to-left text breaks the Bidi Rule (RFC 5893)");
  CHECK(username("\u0627\u0661"
                 "1") == "ERROR right-to-left text breaks the Bidi Rule (RFC 5893)");
  // Left-to-right strings are not subject to it: digits may come first.
  CHECK(username("1abc") == "1abc");
  CHECK(username("123") == "123");
}

TEST_CASE("UsernameCaseMapped: contextual rules and refused code points") {
  CHECK(username("a\u200Db") == "ERROR U+200D is not allowed here (RFC 5892 contextual rule)");
  CHECK(username("\u0915\u094D\u200D\u0937") == "\u0915\u094D\u200D\u0937");
  CHECK(username("l\u00B7l") == "l\u00B7l");
  CHECK(username("a\u00B7b") == "ERROR U+00B7 is not allowed here (RFC 5892 contextual rule)");
  CHECK(username("a\u0378") == "ERROR unassigned code point U+0378");
  CHECK(username("a\u200Bb") == "ERROR disallowed character U+200B");
  CHECK(username("\xC0\xAF") == "ERROR not well-formed UTF-8");
  // Case mapping and NFC happen before the class check (RFC 8264 section 7): KELVIN SIGN
  // is NFC "K", lowercase "k".
  CHECK(username("\u212Aevin") == "kevin");
  CHECK(username("I\u0307") == "i\u0307");
}

TEST_CASE("OpaqueString: spaces, symbols and case survive; non-ASCII spaces become U+0020") {
  CHECK(opaque("foo bar") == "foo bar");
  CHECK(opaque(" foo") == " foo");
  CHECK(opaque("Balcony") == "Balcony");
  CHECK(opaque("\u265A") == "\u265A");
  CHECK(opaque("\uFB01") == "\uFB01");  // FreeformClass allows compat characters
  CHECK(opaque("a\u00A0b\u3000c") == "a b c");
  CHECK(opaque("\uFF21") == "\uFF21");  // no width mapping in OpaqueString
  CHECK(opaque("e\u0301") == "\u00E9");
  CHECK(opaque("1\u05D0") == "1\u05D0");  // no directionality rule
  CHECK(opaque("") == "ERROR empty");
  CHECK(opaque("a\x01") == "ERROR disallowed character U+0001");
  CHECK(opaque("a\u200Bb") == "ERROR disallowed character U+200B");
  CHECK(opaque("a\u200Db") == "ERROR U+200D is not allowed here (RFC 5892 contextual rule)");
}

TEST_CASE("enforcement is idempotent") {
  for (const char* s : {"Juliet", "Fu\u00DFball", "\u03A3\u0391\u03A3", "\uFF2A\uFF55",
                        "\u212Aevin", "\u0130stanbul", "\uFF76\uFF9E", "A\u030A",
                        "\u05D0\u05D1"
                        "1"}) {
    auto once = enforce(Profile::username_case_mapped, s);
    REQUIRE(once);
    auto twice = enforce(Profile::username_case_mapped, *once);
    REQUIRE(twice);
    CHECK(*twice == *once);
  }
  for (const char* s : {"Foo \u00A0Bar", "\u212B", "\u2163 \u265A", "a\u0308\u0301"}) {
    auto once = enforce(Profile::opaque_string, s);
    REQUIRE(once);
    CHECK(*enforce(Profile::opaque_string, *once) == *once);
  }
}

TEST_CASE("check_string_class names the first refused code point") {
  CHECK_FALSE(check_string_class(StringClass::identifier, U"juliet"));
  CHECK_FALSE(check_string_class(StringClass::freeform, U"juliet capulet \u265A"));
  auto ec = check_string_class(StringClass::identifier, U"juliet capulet");
  CHECK(ec == jid_errc::disallowed_character);
  CHECK(jid_error_detail(ec) == 0x20u);
  CHECK(jid_error_part(ec) == JidPart::none);
  CHECK(check_string_class(StringClass::freeform, U"a\u0378") == jid_errc::unassigned_character);
}
