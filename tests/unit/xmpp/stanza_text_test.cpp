#include "xmpp/stanza_text.hpp"

#include <doctest/doctest.h>

#include "xmpp/stream_error.hpp"

using namespace reload::xmpp;

TEST_CASE("a message given as text parses in jabber:client") {
  auto m = parse_stanza_text("  <message to='juliet@capulet.lit' type='chat'><body>Art thou &lt;there&gt;?</body></message>\n");
  REQUIRE(m.has_value());
  CHECK(m->name() == "message");
  CHECK(m->ns() == ns::client);
  CHECK(m->attribute("to") == "juliet@capulet.lit");
  const auto* body = m->child(ns::client, "body");
  REQUIRE(body);
  CHECK(body->text() == "Art thou <there>?");
}

TEST_CASE("text that is not exactly one well-formed element is refused") {
  CHECK(parse_stanza_text("").error() == make_error_code(stream_errc::not_well_formed));
  CHECK(parse_stanza_text("just words").error() == make_error_code(stream_errc::bad_format));
  CHECK(parse_stanza_text("<message/><message/>").error() == make_error_code(stream_errc::not_well_formed));
  CHECK(parse_stanza_text("<message>").error() == make_error_code(stream_errc::not_well_formed));
  // It cannot close the wrapping stream and open anything of its own after it.
  CHECK_FALSE(parse_stanza_text("</stream:stream><message/>").has_value());
}

TEST_CASE("restricted XML and the limits hold as on a peer's stream") {
  // Inside the wrapping stream a DOCTYPE is not even well-formed: no entity gets declared.
  CHECK(parse_stanza_text("<!DOCTYPE x [<!ENTITY a 'b'>]><message>&a;</message>").error() ==
        make_error_code(stream_errc::not_well_formed));
  CHECK(parse_stanza_text("<message>&custom;</message>").error() == make_error_code(stream_errc::restricted_xml));
  CHECK(parse_stanza_text("<message><!-- hi --></message>").error() == make_error_code(stream_errc::restricted_xml));
  XmlLimits small;
  small.max_stanza_bytes = 64;
  CHECK(parse_stanza_text("<message><body>" + std::string(100, 'x') + "</body></message>", small).error() ==
        make_error_code(stream_errc::policy_violation));
}
