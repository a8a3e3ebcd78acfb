#include "xmpp/precis_utf.hpp"

#include <doctest/doctest.h>

using namespace reload::xmpp::precis;

TEST_CASE("well-formed UTF-8 decodes to its code points and back") {
  auto s = decode_utf8("a\xC3\x9F\xE2\x99\x9A\xF0\x9F\x98\x80");  // a ß ♚ 😀
  REQUIRE(s);
  CHECK(*s == U"a\u00DF\u265A\U0001F600");
  CHECK(encode_utf8(*s) == "a\xC3\x9F\xE2\x99\x9A\xF0\x9F\x98\x80");
  CHECK(decode_utf8("")->empty());
  CHECK(encode_utf8(U"\U0010FFFF") == "\xF4\x8F\xBF\xBF");
}

TEST_CASE("ill-formed UTF-8 is refused, not repaired") {
  CHECK_FALSE(decode_utf8("\xC0\xAF"));          // overlong '/', a classic filter bypass
  CHECK_FALSE(decode_utf8("\xE0\x80\xAF"));      // overlong, three octets
  CHECK_FALSE(decode_utf8("\xED\xA0\x80"));      // an encoded surrogate (CESU-8)
  CHECK_FALSE(decode_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(decode_utf8("\xC3"));              // truncated
  CHECK_FALSE(
      decode_utf8("a\x80"
                  "b"));  // a lone continuation octet
  CHECK_FALSE(decode_utf8("\xFF"));
}
