#include "xmpp/xml_writer.hpp"

#include <doctest/doctest.h>

#include "xml_stream_test_support.hpp"

using namespace reload::xmpp;
using reload::xmpp::test::client_header;
using reload::xmpp::test::parse;

namespace {

Element message(std::string body) {
  Element m(std::string(ns::client), "message");
  m.set_attribute("to", "juliet@capulet.example").set_attribute("type", "chat");
  m.add_child(std::string(ns::client), "body").add_text(body);
  return m;
}

// Writes the element into a stream and parses it back.
Element reparse(const Element& e) {
  std::string bytes = client_header();
  REQUIRE_FALSE(write_element(e, bytes, WriteContext{ns::client, true}));
  bytes += "</stream:stream>";
  auto r = parse(bytes);
  REQUIRE_MESSAGE(!r.error, r.detail);
  REQUIRE(r.events.stanzas.size() == 1);
  return r.events.stanzas[0];
}

}  // namespace

TEST_CASE("a standalone stanza declares its namespace; in the stream it does not") {
  CHECK(to_xml(message("hi")).value() ==
        "<message xmlns='jabber:client' to='juliet@capulet.example' type='chat'>"
        "<body>hi</body></message>");
  CHECK(to_xml(message("hi"), WriteContext{ns::client, true}).value() ==
        "<message to='juliet@capulet.example' type='chat'><body>hi</body></message>");
}

TEST_CASE("namespaces are declared where they change, and undeclared for no namespace") {
  Element m(std::string(ns::client), "message");
  Element& x = m.add_child("urn:example:x", "x");
  x.add_child("urn:example:x", "item");
  x.add_child("", "plain");
  m.add_child(std::string(ns::client), "body");
  CHECK(to_xml(m, WriteContext{ns::client, true}).value() ==
        "<message><x xmlns='urn:example:x'><item/><plain xmlns=''/></x><body/></message>");
  // At the top of a fragment nothing is in scope: no namespace needs no declaration.
  CHECK(to_xml(Element("", "plain")).value() == "<plain/>");
}

TEST_CASE("text escapes & < > and CR; quotes stay") {
  CHECK(to_xml(message("a<b & c>d \"q\" 'a' ]]> \r\n\t")).value() ==
        "<message xmlns='jabber:client' to='juliet@capulet.example' type='chat'>"
        "<body>a&lt;b &amp; c&gt;d \"q\" 'a' ]]&gt; &#xD;\n\t</body></message>");
}

TEST_CASE("attribute values escape quotes, & <, and whitespace that a parser would fold") {
  Element e("", "x");
  e.set_attribute("v", "'\"&<> \t\n\r");
  CHECK(to_xml(e).value() == "<x v='&apos;&quot;&amp;&lt;&gt; &#x9;&#xA;&#xD;'/>");
}

TEST_CASE("namespaced attributes: xml: for xml:lang, a declared prefix for others") {
  Element e(std::string(ns::client), "message");
  e.set_attribute("lang", "de", ns::xml);
  e.set_attribute("a", "1", "urn:example:attrs");
  e.set_attribute("b", "2", "urn:example:attrs");
  e.set_attribute("c", "3", "urn:example:other");
  CHECK(to_xml(e, WriteContext{ns::client, true}).value() ==
        "<message xml:lang='de' xmlns:ns0='urn:example:attrs' ns0:a='1' ns0:b='2' "
        "xmlns:ns1='urn:example:other' ns1:c='3'/>");
  CHECK(reparse(e) == e);
}

TEST_CASE("elements of the streams namespace use stream:, declared unless bound") {
  Element features(std::string(ns::streams), "features");
  CHECK(to_xml(features).value() ==
        "<stream:features xmlns:stream='http://etherx.jabber.org/streams'/>");
  CHECK(to_xml(features, WriteContext{ns::client, true}).value() == "<stream:features/>");
  Element error(std::string(ns::streams), "error");
  error.add_child(std::string(ns::stream_errors), "conflict");
  CHECK(to_xml(error, WriteContext{ns::client, true}).value() ==
        "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
}

TEST_CASE("UTF-8 is written as is") {
  const std::string text = "caf\xC3\xA9 \xE2\x98\xBA \xF0\x9F\x8E\xAD \xE4\xB8\xAD";
  auto out = to_xml(message(text));
  REQUIRE(out.has_value());
  CHECK(out->find(text) != std::string::npos);
}

TEST_CASE("characters XML 1.0 forbids are refused, and the output is left as it was") {
  using namespace std::string_view_literals;
  const std::string_view forbidden[] = {
      "nul \0 here"sv,     // U+0000
      "escape \x1B[0m"sv,  // U+001B
      "bell \x07"sv,
      "\xEF\xBF\xBE"sv,  // U+FFFE
      "\xEF\xBF\xBF"sv,  // U+FFFF
  };
  for (std::string_view f : forbidden) {
    std::string text(f);
    CAPTURE(text);
    std::string out = "keep";
    CHECK(write_element(message(text), out) == xml_errc::forbidden_character);
    CHECK(out == "keep");
    Element attr("", "x");
    attr.set_attribute("v", text);
    CHECK(write_element(attr, out) == xml_errc::forbidden_character);
    CHECK(out == "keep");
  }
  // Allowed controls and the edges of the allowed ranges.
  CHECK(to_xml(message("\t\n \xED\x9F\xBF \xEE\x80\x80 \xEF\xBF\xBD \xF4\x8F\xBF\xBF")).has_value());
}

TEST_CASE("malformed UTF-8 is refused") {
  const std::string bad[] = {
      "\xC0\x80",          // overlong NUL
      "\xE0\x80\xAF",      // overlong '/'
      "\xED\xA0\x80",      // a UTF-16 surrogate
      "\xF4\x90\x80\x80",  // above U+10FFFF
      "\xE2\x82",          // truncated
      "\x80",              // a lone continuation byte
      "\xFF",
  };
  for (const auto& b : bad) {
    CAPTURE(b);
    CHECK(to_xml(message("x" + b + "y")).error() == xml_errc::invalid_utf8);
    Element attr("", "x");
    attr.set_attribute("v", b);
    CHECK(to_xml(attr).error() == xml_errc::invalid_utf8);
  }
}

TEST_CASE("names must be NCNames") {
  for (std::string bad : {"", "1abc", "a b", "a:b", "x<", "-x", "\xC3\x97"}) {  // U+00D7
    CAPTURE(bad);
    CHECK_FALSE(is_ncname(bad));
    CHECK(to_xml(Element("", bad)).error() == xml_errc::invalid_name);
    Element e("", "x");
    e.set_attribute(bad, "v");
    CHECK(to_xml(e).error() == xml_errc::invalid_name);
  }
  for (std::string good : {"a", "_x", "a-b.c_d9", "caf\xC3\xA9", "\xE4\xB8\xAD"}) {
    CAPTURE(good);
    CHECK(is_ncname(good));
  }
}

TEST_CASE("reserved names and duplicate attributes are refused") {
  Element e("", "x");
  e.set_attribute("xmlns", "urn:sneaky");
  CHECK(to_xml(e).error() == xml_errc::reserved_name);
  Element f("", "x");
  f.set_attribute("p", "urn:sneaky", "http://www.w3.org/2000/xmlns/");
  CHECK(to_xml(f).error() == xml_errc::reserved_name);
  CHECK(to_xml(Element("http://www.w3.org/2000/xmlns/", "x")).error() == xml_errc::reserved_name);
  // The XML namespace is always bound to xml: and is never a default namespace.
  Element in_xml(std::string(ns::client), "message");
  in_xml.add_child(std::string(ns::xml), "odd").add_child("", "inner");
  CHECK(to_xml(in_xml).value() == "<message xmlns='jabber:client'><xml:odd><inner xmlns=''/></xml:odd></message>");
  CHECK(reparse(in_xml) == in_xml);
  Element g("", "x");
  g.append_attribute({"", "a", "1"});
  g.append_attribute({"", "a", "2"});
  CHECK(to_xml(g).error() == xml_errc::duplicate_attribute);
  Element h("", "x");  // same name, different namespaces: fine
  h.append_attribute({"", "a", "1"});
  h.append_attribute({"urn:other", "a", "2"});
  CHECK(to_xml(h).has_value());
}

TEST_CASE("round trips: what is written parses back to the same element") {
  SUBCASE("tricky text") {
    Element m = message("<&>\"' ]]> \r\n\r \t \xF0\x9F\x8E\xAD caf\xC3\xA9 &amp; literally");
    CHECK(reparse(m) == m);
  }
  SUBCASE("tricky attribute values") {
    Element m = message("x");
    m.set_attribute("id", "a'b\"c&d<e>f\tg\nh\ri  j");
    m.set_attribute("lang", "\xE4\xB8\xAD\xE6\x96\x87", ns::xml);
    CHECK(reparse(m) == m);
  }
  SUBCASE("mixed content and nested namespaces") {
    Element m(std::string(ns::client), "message");
    m.add_text("lead ");
    Element& html = m.add_child("http://jabber.org/protocol/xhtml-im", "html");
    Element& body = html.add_child("http://www.w3.org/1999/xhtml", "body");
    body.add_text("a ");
    body.add_child("http://www.w3.org/1999/xhtml", "em").add_text("b");
    body.add_text(" c");
    html.add_child("", "nons").add_child("urn:deeper", "d");
    m.add_text(" tail");
    CHECK(reparse(m) == m);
  }
  SUBCASE("parse, write, parse") {
    const std::string stanza =
        "<message xmlns:a='urn:a' a:x='1' to='j@c' xml:lang='en'>"
        "<a:item>t<![CDATA[<raw> & ]]>&#x263A;&lt;</a:item><body>x&#13;y</body></message>";
    auto first = parse(client_header() + stanza);
    REQUIRE_MESSAGE(!first.error, first.detail);
    REQUIRE(first.events.stanzas.size() == 1);
    const Element& e = first.events.stanzas[0];
    CHECK(e.child("urn:a", "item")->text() == "t<raw> & \xE2\x98\xBA<");
    CHECK(e.child(ns::client, "body")->text() == "x\ry");
    CHECK(reparse(e) == e);
  }
}
