#include "xmpp/stream_header.hpp"

#include <doctest/doctest.h>

#include "xml_stream_test_support.hpp"
#include "xmpp/xml_writer.hpp"

using namespace reload::xmpp;
using reload::xmpp::test::parse;

namespace {

StreamRoot root_of(const std::string& header) {
  auto r = parse(header);
  REQUIRE_MESSAGE(!r.error, r.detail);
  REQUIRE(r.events.headers.size() == 1);
  return r.events.headers[0];
}

std::optional<stream_errc> check(const std::string& header) {
  auto root = root_of(header);
  return check_stream_header(root, read_stream_header(root));
}

const std::string streams_decl = "xmlns:stream='http://etherx.jabber.org/streams'";

}  // namespace

TEST_CASE("the attributes of a received header") {
  auto root = root_of("<stream:stream xmlns='jabber:client' " + streams_decl +
                      " from='romeo@montague.example' to='juliet@capulet.example' id='++TR84Sm6A3h"
                      "nJr' version='1.0' xml:lang='en'>");
  auto h = read_stream_header(root);
  CHECK(h.from == "romeo@montague.example");
  CHECK(h.to == "juliet@capulet.example");
  CHECK(h.id == "++TR84Sm6A3hnJr");
  CHECK(h.version == "1.0");
  CHECK(h.lang == "en");
  CHECK(h.content_namespace == "jabber:client");
  CHECK_FALSE(check_stream_header(root, h).has_value());

  auto bare = read_stream_header(root_of("<stream:stream " + streams_decl + ">"));
  CHECK(bare.from.empty());
  CHECK(bare.version.empty());
  CHECK(bare.content_namespace.empty());
}

TEST_CASE("namespaces: the streams namespace on <stream>, jabber:client as content") {
  const std::string ok_attrs = " version='1.0'>";
  CHECK_FALSE(check("<stream:stream xmlns='jabber:client' " + streams_decl + ok_attrs));
  // Any prefix may stand for the streams namespace.
  CHECK_FALSE(check("<s:stream xmlns='jabber:client' "
                    "xmlns:s='http://etherx.jabber.org/streams'" + ok_attrs));
  CHECK(check("<stream:stream xmlns='jabber:server' " + streams_decl + ok_attrs) ==
        stream_errc::invalid_namespace);
  CHECK(check("<stream:stream " + streams_decl + ok_attrs) == stream_errc::invalid_namespace);
  CHECK(check("<stream:stream xmlns='jabber:client' "
              "xmlns:stream='http://etherx.jabber.org/streams/'" + ok_attrs) ==
        stream_errc::invalid_namespace);
  CHECK(check("<stream xmlns='jabber:client'" + ok_attrs) == stream_errc::invalid_namespace);
  CHECK(check("<stream:features xmlns='jabber:client' " + streams_decl + ok_attrs) ==
        stream_errc::invalid_namespace);
  // The content namespace may not be the streams namespace either.
  CHECK(check("<stream xmlns='http://etherx.jabber.org/streams'" + ok_attrs) ==
        stream_errc::invalid_namespace);
}

TEST_CASE("versions: any 1.x is spoken as 1.0; missing or other majors are refused") {
  for (const char* v : {"1.0", "1.1", "01.0", "1.00", "1.10"}) {
    CAPTURE(v);
    CHECK(is_supported_version(v));
  }
  for (const char* v : {"", "0.9", "2.0", "1", "1.", ".0", "1.0.0", "one.zero", "1.-1", " 1.0",
                        "99999999999999999999.0"}) {
    CAPTURE(v);
    CHECK_FALSE(is_supported_version(v));
  }
  const std::string head = "<stream:stream xmlns='jabber:client' " + streams_decl;
  CHECK(check(head + ">") == stream_errc::unsupported_version);
  CHECK(check(head + " version='0.9'>") == stream_errc::unsupported_version);
  CHECK(check(head + " version='2.0'>") == stream_errc::unsupported_version);
}

TEST_CASE("our header, byte for byte, with escaping; unwritable values are refused") {
  StreamHeader h;
  h.from = "juliet@capulet.example";
  h.to = "romeo@montague.example";
  h.id = "a'b";
  std::string out;
  REQUIRE_FALSE(append_stream_header(out, h));
  CHECK(out ==
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
        "xmlns:stream='http://etherx.jabber.org/streams' from='juliet@capulet.example' "
        "to='romeo@montague.example' id='a&apos;b' version='1.0'>");

  // It parses back to what was written.
  auto root = root_of(out);
  auto back = read_stream_header(root);
  CHECK(back.from == h.from);
  CHECK(back.to == h.to);
  CHECK(back.id == h.id);
  CHECK(back.version == "1.0");
  CHECK_FALSE(check_stream_header(root, back).has_value());

  StreamHeader bad = h;
  bad.to = "romeo@\xFF";
  std::string kept = "kept";
  CHECK(append_stream_header(kept, bad) == xml_errc::invalid_utf8);
  CHECK(kept == "kept");
}
