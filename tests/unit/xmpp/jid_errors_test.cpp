#include "xmpp/jid_errors.hpp"

#include <doctest/doctest.h>

#include <string>

#include <reload/errors.hpp>

using namespace reload::xmpp;

TEST_CASE("a JID error is one line naming the part, the reason and the code point") {
  auto ec = make_jid_error(jid_errc::disallowed_character, JidPart::localpart, 0x20);
  CHECK(ec.message() == "localpart: disallowed character U+0020");
  CHECK(make_jid_error(jid_errc::unassigned_character, JidPart::resourcepart, 0x10FFFD).message() ==
        "resourcepart: unassigned code point U+10FFFD");
  CHECK(make_jid_error(jid_errc::empty, JidPart::domainpart).message() == "domainpart: empty");
  CHECK(make_jid_error(jid_errc::context_rule, JidPart::localpart, 0x200D).message() ==
        "localpart: U+200D is not allowed here (RFC 5892 contextual rule)");
  // Without a part (a PRECIS profile on its own) there is no prefix.
  CHECK(make_jid_error(jid_errc::too_long).message() == "longer than 1023 octets");
}

TEST_CASE("the IDNA reason carries libidn2's own explanation") {
  // -304 is IDN2_DISALLOWED.
  auto ec = make_jid_error(jid_errc::idna, JidPart::domainpart, 304);
  CHECK(ec.message() == "domainpart: IDNA2008: string contains a disallowed character");
}

TEST_CASE("the reason is an error condition: comparison ignores part and code point") {
  auto ec = make_jid_error(jid_errc::disallowed_character, JidPart::localpart, 0x265A);
  CHECK(ec);
  CHECK(ec == jid_errc::disallowed_character);
  CHECK(ec != jid_errc::unassigned_character);
  CHECK(make_jid_error(jid_errc::empty, JidPart::resourcepart) == jid_errc::empty);
  CHECK(make_jid_error(jid_errc::empty) == jid_errc::empty);
  // Errors of another category are never JID conditions.
  boost::system::error_code codec = reload::codec_errc::truncated;
  CHECK(codec != jid_errc::invalid_utf8);
}

TEST_CASE("part and detail can be read back") {
  auto ec = make_jid_error(jid_errc::disallowed_character, JidPart::resourcepart, 0x10FFFF);
  CHECK(jid_error_part(ec) == JidPart::resourcepart);
  CHECK(jid_error_detail(ec) == 0x10FFFFu);
  boost::system::error_code other = reload::codec_errc::truncated;
  CHECK(jid_error_part(other) == JidPart::none);
  CHECK(jid_error_detail(other) == 0u);
}

TEST_CASE("with_part names the part of a refusal and keeps the rest") {
  auto bare = make_jid_error(jid_errc::bidi_rule);
  auto named = with_part(bare, JidPart::localpart);
  CHECK(named == jid_errc::bidi_rule);
  CHECK(jid_error_part(named) == JidPart::localpart);
  CHECK(named.message() == "localpart: right-to-left text breaks the Bidi Rule (RFC 5893)");
  auto cp = with_part(make_jid_error(jid_errc::disallowed_character, JidPart::none, 0xFB01),
                      JidPart::domainpart);
  CHECK(cp.message() == "domainpart: disallowed character U+FB01");
  boost::system::error_code other = reload::codec_errc::truncated;
  CHECK(with_part(other, JidPart::localpart) == other);
}

TEST_CASE("the parts have their RFC 7622 names") {
  CHECK(std::string(to_string(JidPart::localpart)) == "localpart");
  CHECK(std::string(to_string(JidPart::domainpart)) == "domainpart");
  CHECK(std::string(to_string(JidPart::resourcepart)) == "resourcepart");
  CHECK(std::string(to_string(JidPart::none)).empty());
  CHECK(std::string(jid_category().name()) == "reload.jid");
}
