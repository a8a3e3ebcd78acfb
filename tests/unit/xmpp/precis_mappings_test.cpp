#include "xmpp/precis_mappings.hpp"

#include <doctest/doctest.h>

using namespace reload::xmpp::precis;

TEST_CASE("width mapping: fullwidth and halfwidth forms become their decomposition") {
  CHECK(map_width(U"\uFF2A\uFF55\uFF4C") == U"Jul");  // FULLWIDTH J u l
  CHECK(map_width(U"\uFF10\uFF01") == U"0!");
  CHECK(map_width(U"\u3000") == U" ");       // IDEOGRAPHIC SPACE is <wide>
  CHECK(map_width(U"\uFF76") == U"\u30AB");  // HALFWIDTH KATAKANA KA
  CHECK(map_width(U"\uFF9E") == U"\u3099");  // HALFWIDTH VOICED SOUND MARK
  CHECK(map_width(U"\uFFE6") == U"\u20A9");  // FULLWIDTH WON SIGN
  // Other compatibility forms are not width forms: they stay (and the class refuses them).
  CHECK(map_width(U"\u2163\uFB01\u00B9") == U"\u2163\uFB01\u00B9");
  CHECK(map_width(U"juliet") == U"juliet");
}

TEST_CASE("OpaqueString maps non-ASCII spaces to U+0020 and nothing else") {
  CHECK(map_non_ascii_spaces(U"a\u00A0b\u2003c\u3000d e") == U"a b c d e");
  CHECK(map_non_ascii_spaces(U"\u200B") == U"\u200B");  // ZERO WIDTH SPACE is Cf, not Zs
  CHECK(map_non_ascii_spaces(U"\t") == U"\t");
}

TEST_CASE("lowercase is Unicode toLowerCase() without the final-sigma context") {
  CHECK(to_lower(U"JuLiET") == U"juliet");
  CHECK(to_lower(U"Fu\u00DFball") == U"fu\u00DFball");  // ß stays: no case folding to "ss"
  CHECK(to_lower(U"\u1E9E") == U"\u00DF");              // CAPITAL SHARP S
  CHECK(to_lower(U"\u03A3\u0391\u03A3") == U"\u03C3\u03B1\u03C3");  // ΣΑΣ -> σασ, not σας
  CHECK(to_lower(U"\u03C3\u03B1\u03C2") == U"\u03C3\u03B1\u03C2");  // σας keeps its ς
  CHECK(to_lower(U"\u0130") == U"i\u0307");                         // İ: full mapping, root locale
  CHECK(to_lower(U"I") == U"i");                                    // not the Turkish dotless ı
  CHECK(to_lower(U"\u2163") == U"\u2173");                          // Ⅳ -> ⅳ
  CHECK(to_lower(U"\U00010400") == U"\U00010428");                  // DESERET, outside the BMP
}

TEST_CASE("NFC composes and replaces canonical singletons") {
  CHECK(to_nfc(U"e\u0301") == U"\u00E9");
  CHECK(to_nfc(U"\u212B") == U"\u00C5");              // ANGSTROM SIGN
  CHECK(to_nfc(U"\u1100\u1161\u11A8") == U"\uAC01");  // Hangul jamo to a syllable
  CHECK(to_nfc(U"\uFB01") == U"\uFB01");              // compatibility is NFKC's business
  CHECK(to_nfc(U"") == U"");
}
