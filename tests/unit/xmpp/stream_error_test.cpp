#include "xmpp/stream_error.hpp"

#include <set>

#include <doctest/doctest.h>

#include "xml_stream_test_support.hpp"

using namespace reload::xmpp;
using reload::xmpp::test::client_header;
using reload::xmpp::test::parse;

TEST_CASE("every RFC 6120 condition has its name, and the name maps back") {
  std::set<std::string_view> names;
  for (int v = static_cast<int>(stream_errc::bad_format);
       v <= static_cast<int>(stream_errc::unsupported_version); ++v) {
    const auto c = static_cast<stream_errc>(v);
    const auto name = stream_condition_name(c);
    CAPTURE(v);
    REQUIRE_FALSE(name.empty());
    CHECK(stream_condition_from_name(name) == c);
    names.insert(name);
  }
  CHECK(names.size() == 25);
  CHECK(stream_condition_name(stream_errc::restricted_xml) == "restricted-xml");
  CHECK(stream_condition_name(stream_errc::invalid_from) == "invalid-from");
  CHECK(stream_condition_name(stream_errc::see_other_host) == "see-other-host");
  CHECK(stream_condition_name(static_cast<stream_errc>(0)).empty());
  CHECK(stream_condition_name(static_cast<stream_errc>(26)).empty());
  CHECK_FALSE(stream_condition_from_name("restricted_xml").has_value());
  CHECK_FALSE(stream_condition_from_name("").has_value());
}

TEST_CASE("the error category names the condition") {
  boost::system::error_code ec = stream_errc::policy_violation;
  CHECK(ec.category() == stream_category());
  CHECK(std::string(ec.category().name()) == "xmpp.stream");
  CHECK(ec.message() == "stream error <policy-violation/>");
  CHECK(ec == stream_errc::policy_violation);
  CHECK(ec != stream_errc::not_well_formed);
  CHECK(make_error_code(static_cast<stream_errc>(99)).message().find("99") != std::string::npos);
}

TEST_CASE("the error element and the closing tag, byte for byte") {
  CHECK(stream_error_and_close(stream_errc::restricted_xml) ==
        "<stream:error><restricted-xml xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
        "</stream:error></stream:stream>");
  std::string out = "x";
  append_stream_error(out, stream_errc::conflict, "replaced by <new> link & more");
  CHECK(out ==
        "x<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
        "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>replaced by &lt;new&gt; link &amp; "
        "more</text></stream:error>");
  std::string bad;
  append_stream_error(bad, stream_errc::conflict, "\x01");  // unwritable text is left out
  CHECK(bad ==
        "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
}

TEST_CASE("a received stream error names its condition; unknown ones are undefined") {
  auto condition_of = [](const std::string& error_xml) {
    auto r = parse(client_header() + error_xml);
    REQUIRE_MESSAGE(!r.error, r.detail);
    REQUIRE(r.events.stanzas.size() == 1);
    return stream_error_condition(r.events.stanzas[0]);
  };
  // Our own output parses back to the same condition, for every condition.
  for (int v = 1; v <= 25; ++v) {
    const auto c = static_cast<stream_errc>(v);
    std::string xml;
    append_stream_error(xml, c, "why");
    CHECK(condition_of(xml) == c);
  }
  const std::string errors_ns = "xmlns='urn:ietf:params:xml:ns:xmpp-streams'";
  CHECK(condition_of("<stream:error><text " + errors_ns + ">first</text><host-gone " +
                     errors_ns + "/></stream:error>") == stream_errc::host_gone);
  CHECK(condition_of("<stream:error><new-thing " + errors_ns + "/></stream:error>") ==
        stream_errc::undefined_condition);
  CHECK(condition_of("<stream:error><conflict/></stream:error>") ==  // wrong namespace
        stream_errc::undefined_condition);
  CHECK(condition_of("<stream:error/>") == stream_errc::undefined_condition);
}
