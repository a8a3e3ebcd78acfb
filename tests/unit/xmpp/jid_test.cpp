#include "xmpp/jid.hpp"

#include <doctest/doctest.h>

#include <string>
#include <unordered_set>

#include "wire/hashes.hpp"
#include "xmpp/jid_errors.hpp"

using namespace reload::xmpp;

namespace {
std::string prepared(std::string_view s) {
  auto r = Jid::parse(s);
  return r ? r->to_string() : "ERROR " + r.error().message();
}
}  // namespace

TEST_CASE("RFC 7622 section 3.5, table 1: JIDs that conform") {
  CHECK(prepared("juliet@example.com") == "juliet@example.com");
  CHECK(prepared("juliet@example.com/foo") == "juliet@example.com/foo");
  CHECK(prepared("juliet@example.com/foo bar") == "juliet@example.com/foo bar");
  CHECK(prepared("juliet@example.com/foo@bar") == "juliet@example.com/foo@bar");
  CHECK(prepared("foo\\20bar@example.com") == "foo\\20bar@example.com");  // XEP-0106 escape
  CHECK(prepared("fussball@example.com") == "fussball@example.com");
  CHECK(prepared("fu\u00DFball@example.com") == "fu\u00DFball@example.com");
  CHECK(prepared("\u03C0@example.com") == "\u03C0@example.com");
  CHECK(prepared("\u03A3@example.com/foo") == "\u03C3@example.com/foo");
  CHECK(prepared("\u03C3@example.com/foo") == "\u03C3@example.com/foo");
  CHECK(prepared("\u03C2@example.com/foo") == "\u03C2@example.com/foo");
  CHECK(prepared("king@example.com/\u265A") == "king@example.com/\u265A");
  CHECK(prepared("example.com") == "example.com");
  CHECK(prepared("example.com/foobar") == "example.com/foobar");
  CHECK(prepared("a.example.com/b@example.net") == "a.example.com/b@example.net");
}

TEST_CASE("RFC 7622 section 3.5, table 2: strings that are not JIDs") {
  CHECK(prepared("\"juliet\"@example.com") == "ERROR localpart: disallowed character U+0022");
  CHECK(prepared("foo bar@example.com") == "ERROR localpart: disallowed character U+0020");
  CHECK(prepared("@example.com/") == "ERROR localpart: empty");
  CHECK(prepared("henry\u2163@example.com") == "ERROR localpart: disallowed character U+2173");
  CHECK(prepared("\u265A@example.com") == "ERROR localpart: disallowed character U+265A");
  CHECK(prepared("juliet@") == "ERROR domainpart: empty");
  CHECK(prepared("/foobar") == "ERROR domainpart: empty");
}

TEST_CASE("RFC 7622 example 18 (leading space in the resourcepart) is accepted on purpose") {
  // The table lists "juliet@example.com/ foo" as invalid, but no rule refuses it: the
  // resourcepart is OpaqueString, and its FreeformClass allows U+0020 anywhere (RFC 8265
  // section 4.2). precis_i18n agrees. Refusing it would make a resource that other
  // servers hand out unreachable.
  CHECK(prepared("juliet@example.com/ foo") == "juliet@example.com/ foo");
}

TEST_CASE("each empty part is refused on its own, and the error names it") {
  CHECK(prepared("@example.com") == "ERROR localpart: empty");
  CHECK(prepared("juliet@example.com/") == "ERROR resourcepart: empty");
  CHECK(prepared("") == "ERROR domainpart: empty");
  CHECK(prepared("@") == "ERROR localpart: empty");
  CHECK(prepared("/") == "ERROR domainpart: empty");
}

TEST_CASE("split at the first '/', then at the first '@' before it") {
  auto j = Jid::parse("a.example.com/b@example.net");
  REQUIRE(j);
  CHECK_FALSE(j->localpart());
  CHECK(j->domainpart() == "a.example.com");
  CHECK(*j->resourcepart() == "b@example.net");

  auto two_slashes = Jid::parse("juliet@example.com/foo/bar");
  REQUIRE(two_slashes);
  CHECK(*two_slashes->resourcepart() == "foo/bar");

  // The second '@' is left to the domainpart, which refuses it.
  CHECK(prepared("user@host@example.com") == "ERROR domainpart: disallowed character U+0040");
}

TEST_CASE("localpart: RFC 7622 forbids \" & ' / : < > @ even after mapping") {
  for (const char* bad : {"a&b", "a'b", "a:b", "a<b", "a>b"}) {
    auto r = prepare_localpart(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error() == jid_errc::disallowed_character);
    CHECK(jid_error_part(r.error()) == JidPart::localpart);
  }
  // FULLWIDTH COMMERCIAL AT is not a separator, but width mapping turns it into '@'.
  CHECK(prepared("a\uFF20b@example.com") == "ERROR localpart: disallowed character U+0040");
  // The resourcepart may hold all of them.
  CHECK(prepared("x@example.com/\"&'/:<>@") == "x@example.com/\"&'/:<>@");
}

TEST_CASE("localpart and domainpart lose their case, the resourcepart keeps it") {
  auto j = Jid::parse("Juliet@Example.COM/Balcony");
  REQUIRE(j);
  CHECK(*j->localpart() == "juliet");
  CHECK(j->domainpart() == "example.com");
  CHECK(*j->resourcepart() == "Balcony");
  CHECK(*Jid::parse("JULIET@EXAMPLE.COM/Balcony") == *j);
  CHECK(*Jid::parse("juliet@example.com/balcony") != *j);
}

TEST_CASE("width mapping in every part that asks for it") {
  CHECK(prepared(
            "\uFF2A\uFF55\uFF4C\uFF49\uFF45\uFF54@\uFF45\uFF58\uFF41\uFF4D\uFF50\uFF4C\uFF45\uFF0E"
            "\uFF43\uFF4F\uFF4D/\uFF52") == "juliet@example.com/\uFF52");  // not the resource
}

TEST_CASE("bidi refusals name their part") {
  CHECK(prepared("1\u05D0@example.com") ==
        "ERROR localpart: right-to-left text breaks the Bidi Rule (RFC 5893)");
  CHECK(prepared("\u05D0\u05D1@example.com/1\u05D0") == "\u05D0\u05D1@example.com/1\u05D0");
  CHECK(prepared("a@\u05D0.123.example") ==
        "ERROR domainpart: right-to-left text breaks the Bidi Rule (RFC 5893)");
}

TEST_CASE("length limits: 1023 octets per part, counted after preparation") {
  const std::string a1023(1023, 'a');
  CHECK(prepared(a1023 + "@example.com") == a1023 + "@example.com");
  CHECK(prepared(std::string(1024, 'a') + "@example.com") ==
        "ERROR localpart: longer than 1023 octets");
  CHECK(prepared("x@example.com/" + a1023) == "x@example.com/" + a1023);
  CHECK(prepared("x@example.com/" + std::string(1024, 'a')) ==
        "ERROR resourcepart: longer than 1023 octets");
  // Octets, not characters: 600 π are 1200 octets.
  std::string pis;
  for (int i = 0; i < 600; ++i) pis += "\u03C0";
  CHECK(prepared(pis + "@example.com") == "ERROR localpart: longer than 1023 octets");
  // After preparation: 1023 fullwidth letters (3069 octets) map to 1023 ASCII octets.
  std::string wide;
  for (int i = 0; i < 1023; ++i) wide += "\uFF41";
  CHECK(prepared(wide + "@example.com") == a1023 + "@example.com");
  // Huge input is refused before any Unicode work.
  CHECK(prepared(std::string(1 << 20, 'a') + "@example.com") ==
        "ERROR localpart: longer than 1023 octets");
}

TEST_CASE("bare(), to_string(), bare_string(), with_resource()") {
  auto full = *Jid::parse("juliet@example.com/balcony");
  CHECK(full.to_string() == "juliet@example.com/balcony");
  CHECK(full.bare_string() == "juliet@example.com");
  CHECK_FALSE(full.is_bare());
  Jid bare = full.bare();
  CHECK(bare.is_bare());
  CHECK(bare.to_string() == "juliet@example.com");
  CHECK(bare == *Jid::parse("JULIET@example.com"));
  auto orchard = bare.with_resource("Orchard\u00A0Wall");
  REQUIRE(orchard);
  CHECK(orchard->to_string() == "juliet@example.com/Orchard Wall");
  CHECK(bare.with_resource("").error() == jid_errc::empty);

  auto domain_only = *Jid::parse("example.com/foobar");
  CHECK(domain_only.bare_string() == "example.com");
}

TEST_CASE("from_parts prepares each part") {
  auto j = Jid::from_parts("Juliet", "Example.com", std::nullopt);
  REQUIRE(j);
  CHECK(j->to_string() == "juliet@example.com");
  // Separators are not special here: the localpart itself is refused.
  auto bad = Jid::from_parts("a/b", "example.com", std::nullopt);
  CHECK(bad.error().message() == "localpart: disallowed character U+002F");
  CHECK(Jid::from_parts(std::nullopt, "example.com", "a/b")->to_string() == "example.com/a/b");
}

TEST_CASE("equality is on the prepared form; Jids work as hash keys") {
  std::unordered_set<Jid> seen;
  seen.insert(*Jid::parse("Juliet@Example.com"));
  seen.insert(*Jid::parse("\uFF2Auliet@example.com."));
  seen.insert(*Jid::parse("juliet@xn--exmple-cua.com"));
  seen.insert(*Jid::parse("juliet@ex\u00E4mple.com"));
  CHECK(seen.size() == 2);
  CHECK(*Jid::parse("a@b") < *Jid::parse("a@c"));
}

TEST_CASE("the XMPP-LOCATION Resource-ID is the hash of the prepared bare JID") {
  // The same value as tests/unit/wire/hashes_test.cpp: SHA-1("juliet@capulet.lit"), 16 bytes.
  auto j = *Jid::parse("Juliet@Capulet.LIT/balcony");
  CHECK(location_resource_id(j).hex() == "ea94443670c76cc48e9c3fc78b4abe22");
  CHECK(location_resource_id(j) == location_resource_id(*Jid::parse("juliet@capulet.lit")));
  // Different preparation, different record: this is why the rules matter (PITFALLS 21).
  CHECK(location_resource_id(*Jid::parse("fu\u00DFball@example.com")) ==
        reload::wire::resource_id_of("fu\u00DFball@example.com"));
  CHECK(location_resource_id(*Jid::parse("fu\u00DFball@example.com")) !=
        location_resource_id(*Jid::parse("fussball@example.com")));
}

TEST_CASE("a text parsed again, after the remembered ones were dropped too, prepares the same; errors stay errors") {
  // More texts than the per-thread table keeps, twice over: each answer must not depend on
  // what was parsed before it.
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 600; ++i) {
      const std::string text = "User" + std::to_string(i) + "@Example.COM/Res" + std::to_string(i);
      auto jid = Jid::parse(text);
      REQUIRE(jid);
      CHECK(jid->to_string() == "user" + std::to_string(i) + "@example.com/Res" + std::to_string(i));
    }
    auto bad = Jid::parse("juliet smith@example.com");
    REQUIRE_FALSE(bad);
    CHECK(bad.error() == jid_errc::disallowed_character);
  }
}
