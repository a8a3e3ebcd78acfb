#include "config/xml_tree.hpp"

#include <string>

#include <doctest/doctest.h>

using namespace reload::config;

namespace {
std::string slice(std::string_view doc, std::size_t b, std::size_t e) {
  return std::string(doc.substr(b, e - b));
}
}  // namespace

TEST_CASE("elements know their namespace, prefix, line and exact bytes") {
  std::string doc =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<o xmlns=\"urn:a\" xmlns:c=\"urn:c\">\n"
      "  <k id=\"5\" c:x=\"y\">  text &amp; more </k>\n"
      "  <c:e/>\n"
      "  <c:f a='1' ></c:f>\n"
      "</o>\n";
  auto root = parse_xml(doc, "t.xml").value();
  CHECK(root.name.ns == "urn:a");
  CHECK(root.name.local == "o");
  CHECK(root.name.prefix.empty());
  CHECK(root.line == 2);
  REQUIRE(root.children.size() == 3);

  const auto& k = root.children[0];
  CHECK(k.name.qualified() == "k");
  CHECK(k.line == 3);
  CHECK(k.text == "  text & more ");
  CHECK(slice(doc, k.begin, k.end) == "<k id=\"5\" c:x=\"y\">  text &amp; more </k>");
  CHECK(slice(doc, k.begin, k.content_begin) == "<k id=\"5\" c:x=\"y\">");
  REQUIRE(k.attribute("", "id"));
  CHECK(k.attribute("", "id")->value == "5");
  REQUIRE(k.attribute("urn:c", "x"));
  CHECK(k.attribute("urn:c", "x")->name.qualified() == "c:x");
  CHECK(k.attribute("", "x") == nullptr);

  const auto& e = root.children[1];
  CHECK(e.name.ns == "urn:c");
  CHECK(e.name.qualified() == "c:e");
  CHECK(slice(doc, e.begin, e.end) == "<c:e/>");
  CHECK(e.content_begin == e.end);

  const auto& f = root.children[2];
  CHECK(slice(doc, f.begin, f.end) == "<c:f a='1' ></c:f>");
  CHECK(f.line == 5);
  CHECK(slice(doc, root.begin, root.end) == doc.substr(doc.find("<o "), doc.rfind('>') + 1 - doc.find("<o ")));
}

TEST_CASE("malformed XML is reported at its line, inside its element") {
  std::string doc = "<o>\n  <a>\n    <b>x</c>\n  </a>\n</o>\n";
  auto r = parse_xml(doc, "bad.xml");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ConfigErrc::malformed_xml);
  CHECK(r.error().line == 3);
  CHECK(r.error().element == "b");
  CHECK(r.error().to_string().rfind("bad.xml:3: <b>: malformed XML: mismatched tag", 0) == 0);

  auto empty = parse_xml("", "empty.xml");
  REQUIRE_FALSE(empty.has_value());
  CHECK(empty.error().code == ConfigErrc::malformed_xml);

  auto trailing = parse_xml("<o/>\n<o/>", "two.xml");
  REQUIRE_FALSE(trailing.has_value());
  CHECK(trailing.error().line == 2);
}

TEST_CASE("a DOCTYPE is refused before any entity is expanded (billion laughs)") {
  std::string laughs =
      "<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE lolz [\n"
      " <!ENTITY lol \"lol\">\n"
      " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
      " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
      " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
      "]>\n"
      "<lolz>&lol3;</lolz>\n";
  auto r = parse_xml(laughs, "lol.xml");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ConfigErrc::forbidden_markup);
  CHECK(r.error().line == 2);
  CHECK(r.error().reason.find("DOCTYPE") != std::string::npos);

  auto external = parse_xml("<!DOCTYPE o SYSTEM \"file:///etc/passwd\"><o/>", "x.xml");
  REQUIRE_FALSE(external.has_value());
  CHECK(external.error().code == ConfigErrc::forbidden_markup);

  // Without a DOCTYPE an entity reference is simply undefined.
  auto undefined = parse_xml("<o>&lol;</o>", "u.xml");
  REQUIRE_FALSE(undefined.has_value());
  CHECK(undefined.error().code == ConfigErrc::malformed_xml);
}

TEST_CASE("size, depth and element count are bounded") {
  XmlLimits limits;
  limits.max_bytes = 100;
  auto big = parse_xml(std::string(101, ' '), "big.xml", limits);
  REQUIRE_FALSE(big.has_value());
  CHECK(big.error().code == ConfigErrc::limit_exceeded);
  CHECK(big.error().line == 0);

  std::string deep;
  for (int i = 0; i < 17; ++i) deep += "<a>";
  for (int i = 0; i < 17; ++i) deep += "</a>";
  auto d = parse_xml(deep, "deep.xml");
  REQUIRE_FALSE(d.has_value());
  CHECK(d.error().code == ConfigErrc::limit_exceeded);
  deep = deep.substr(3, deep.size() - 7);  // 16 levels: allowed
  CHECK(parse_xml(deep, "deep.xml").has_value());

  XmlLimits few;
  few.max_elements = 3;
  CHECK(parse_xml("<a><b/><c/></a>", "n.xml", few).has_value());
  auto many = parse_xml("<a><b/><c/><d/></a>", "n.xml", few);
  REQUIRE_FALSE(many.has_value());
  CHECK(many.error().code == ConfigErrc::limit_exceeded);
}

TEST_CASE("only UTF-8 is accepted") {
  auto latin = parse_xml("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><o/>", "l.xml");
  REQUIRE_FALSE(latin.has_value());
  CHECK(latin.error().reason.find("UTF-8") != std::string::npos);
  CHECK(parse_xml("<?xml version=\"1.0\" encoding=\"utf-8\"?><o/>", "u.xml").has_value());
  CHECK_FALSE(parse_xml("<o>\xff\xfe</o>", "bad-utf8.xml").has_value());
}

TEST_CASE("comments and processing instructions are skipped") {
  auto r = parse_xml("<o><!-- a comment --><?pi data?><a/></o>", "c.xml").value();
  CHECK(r.children.size() == 1);
  CHECK(r.text.empty());
}
