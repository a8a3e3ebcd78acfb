#include "xmpp/jid_domainpart.hpp"

#include <doctest/doctest.h>

#include <string>

#include "xmpp/jid_errors.hpp"

using namespace reload::xmpp;

namespace {
std::string domain(std::string_view s) {
  auto r = prepare_domainpart(s);
  return r ? *r : "ERROR " + r.error().message();
}
}  // namespace

TEST_CASE("ASCII domains are lowercased; one trailing dot goes") {
  CHECK(domain("example.com") == "example.com");
  CHECK(domain("Example.COM") == "example.com");
  CHECK(domain("example.com.") == "example.com");
  CHECK(domain("localhost") == "localhost");
  CHECK(domain("192.168.1.1") == "192.168.1.1");  // an IPv4 literal is an all-digit name
  CHECK(domain("a-b.c0") == "a-b.c0");
}

TEST_CASE("internationalised domains compare in U-label form") {
  CHECK(domain("b\u00FCcher.example") == "b\u00FCcher.example");
  CHECK(domain("B\u00DCCHER.example") == "b\u00FCcher.example");
  CHECK(domain("xn--bcher-kva.example") == "b\u00FCcher.example");  // A-label to U-label
  CHECK(domain("XN--BCHER-KVA.example") == "b\u00FCcher.example");
  CHECK(domain("fu\u00DFball.de") == "fu\u00DFball.de");           // IDNA2008 keeps ß
  CHECK(domain("bu\u0308cher.example") == "b\u00FCcher.example");  // NFC
  // Fullwidth letters and the ideographic / fullwidth / halfwidth full stops.
  CHECK(domain("\uFF45\uFF58\u3002com") == "ex.com");
  CHECK(domain("ex\uFF0Ecom\uFF61") == "ex.com");
  CHECK(domain("\u05D0\u05D1.example") == "\u05D0\u05D1.example");
}

TEST_CASE("LDH rules: letters, digits and hyphens, no hyphen at either end") {
  CHECK(domain("ex_ample.com") == "ERROR domainpart: disallowed character U+005F");
  CHECK(domain("exa mple.com") == "ERROR domainpart: disallowed character U+0020");
  CHECK(domain("user@example.com") == "ERROR domainpart: disallowed character U+0040");
  CHECK(domain("-example.com") == "ERROR domainpart: a label begins or ends with a hyphen");
  CHECK(domain("example-.com") == "ERROR domainpart: a label begins or ends with a hyphen");
  CHECK(domain("ab--cd.com") ==
        "ERROR domainpart: a label has \"--\" in the third and fourth positions but is no A-label");
  CHECK(domain("b\u00FCcher_.com") == "ERROR domainpart: disallowed character U+005F");
}

TEST_CASE("A-labels must be real ones") {
  CHECK(prepare_domainpart("xn--abc.com").error() == jid_errc::idna);
  CHECK(prepare_domainpart("xn--zz.com").error() == jid_errc::idna);
  CHECK(jid_error_part(prepare_domainpart("xn--abc.com").error()) == JidPart::domainpart);
}

TEST_CASE("IDNA2008 refuses what a U-label may not hold") {
  CHECK(domain("\u2163.example") ==
        "ERROR domainpart: IDNA2008: string contains a disallowed character");  // ⅳ
  CHECK(domain("\u265A.example") ==
        "ERROR domainpart: IDNA2008: string contains a disallowed character");
  CHECK(domain("a\u200Db.example") ==
        "ERROR domainpart: IDNA2008: string contains a forbidden context-j character");
  CHECK(domain("\u0301a.example") ==
        "ERROR domainpart: IDNA2008: string contains a forbidden leading combining character");
}

TEST_CASE("the Bidi Rule holds for every label of a domain with right-to-left text") {
  CHECK(domain("1\u05D0.example") ==
        "ERROR domainpart: IDNA2008: string has forbidden bi-directional properties");
  // "123" alone is a fine label, but not next to a Hebrew one (RFC 5893 section 2).
  CHECK(domain("123.example") == "123.example");
  CHECK(domain("\u05D0.123.example") ==
        "ERROR domainpart: right-to-left text breaks the Bidi Rule (RFC 5893)");
}

TEST_CASE("IPv6 literals in brackets") {
  CHECK(domain("[::1]") == "[::1]");
  CHECK(domain("[2002:4559:1FE2::4559:1FE2]") == "[2002:4559:1fe2::4559:1fe2]");
  CHECK(domain("[::ffff:192.0.2.1]") == "[::ffff:192.0.2.1]");
  // RFC 5952's canonical text: one spelling per address, so JIDs compare equal.
  CHECK(domain("[0::1]") == "[::1]");
  CHECK(domain("[2001:DB8:0:0:0:0:0:1]") == "[2001:db8::1]");
  CHECK(domain("[]") == "ERROR domainpart: not an IPv6 address literal");
  CHECK(domain("[::g]") == "ERROR domainpart: not an IPv6 address literal");
  CHECK(domain("[::1") == "ERROR domainpart: not an IPv6 address literal");
  CHECK(domain("[192.0.2.1]") == "ERROR domainpart: not an IPv6 address literal");
}

TEST_CASE("empty domains and empty labels") {
  CHECK(domain("") == "ERROR domainpart: empty");
  CHECK(domain(".") == "ERROR domainpart: empty");
  CHECK(domain("example..com") == "ERROR domainpart: empty label");
  CHECK(domain(".example.com") == "ERROR domainpart: empty label");
  CHECK(domain("example.com..") == "ERROR domainpart: empty label");
}

TEST_CASE("length: 63 octets per label, 1023 per domainpart") {
  const std::string l63(63, 'a');
  CHECK(domain(l63 + ".com") == l63 + ".com");
  CHECK(domain(std::string(64, 'a') + ".com") ==
        "ERROR domainpart: a label is longer than 63 octets");
  // 16 labels of 63 octets and 15 dots: 1023 octets.
  std::string longest;
  for (int i = 0; i < 16; ++i) longest += (i ? "." : "") + l63;
  REQUIRE(longest.size() == 1023);
  CHECK(domain(longest) == longest);
  CHECK(domain(longest + ".a") == "ERROR domainpart: longer than 1023 octets");
  CHECK(domain(std::string(100000, 'a')) == "ERROR domainpart: longer than 1023 octets");
}

TEST_CASE("ill-formed UTF-8") {
  CHECK(domain("ex\xC3.com") == "ERROR domainpart: not well-formed UTF-8");
}

TEST_CASE("CONTEXTO rules hold in domains too (registration, not lookup, rules)") {
  CHECK(domain("l\u00B7l.cat") == "l\u00B7l.cat");
  CHECK(prepare_domainpart("a\u00B7b.cat").error() == jid_errc::idna);
  CHECK(prepare_domainpart("\u0375.gr").error() == jid_errc::idna);
  CHECK(domain("\u0375\u03B1.gr") == "\u0375\u03B1.gr");
}

TEST_CASE("an A-label is prepared as its U-label would be") {
  // xn--bce is CHEROKEE LETTER QUV (U+13CB), valid IDNA2008. Lowercasing makes it U+AB9B,
  // which IDNA2008 disallows: refused either way, so that preparation stays idempotent.
  CHECK(prepare_domainpart("xn--bce.example").error() == jid_errc::idna);
  CHECK(prepare_domainpart("\u13CB.example").error() == jid_errc::idna);
  // Fullwidth "ｘｎ－－" becomes an A-label prefix after width mapping.
  CHECK(domain("\uFF58\uFF4E\uFF0D\uFF0Dbcher-kva.example") == "b\u00FCcher.example");
  // A U-label whose A-label would exceed 63 octets.
  std::string long_u;
  for (int i = 0; i < 60; ++i) long_u += "\u00FC";
  CHECK(domain(long_u + ".example") == "ERROR domainpart: a label is longer than 63 octets");
}
