#include "xmpp/xml_element.hpp"

#include <doctest/doctest.h>

using namespace reload::xmpp;

TEST_CASE("attributes are found by name and namespace, set replaces, remove removes") {
  Element m(std::string(ns::client), "message");
  m.set_attribute("to", "juliet@capulet.example").set_attribute("type", "chat");
  m.set_attribute("lang", "en", ns::xml);

  CHECK(m.attribute("to") == "juliet@capulet.example");
  CHECK(m.attribute("type") == "chat");
  CHECK_FALSE(m.attribute("lang").has_value());  // the unprefixed one does not exist
  CHECK(m.attribute("lang", ns::xml) == "en");
  CHECK_FALSE(m.attribute("from").has_value());

  m.set_attribute("type", "normal");
  CHECK(m.attribute("type") == "normal");
  CHECK(m.attributes().size() == 3);
  CHECK(m.attributes()[1].name == "type");  // replaced in place, order kept

  CHECK(m.remove_attribute("to"));
  CHECK_FALSE(m.remove_attribute("to"));
  CHECK_FALSE(m.attribute("to").has_value());
  CHECK(m.attributes().size() == 2);
}

TEST_CASE("an empty attribute value is present, not absent") {
  Element e("", "x");
  e.set_attribute("id", "");
  REQUIRE(e.attribute("id").has_value());
  CHECK(e.attribute("id")->empty());
}

TEST_CASE("children: lookup by namespace and name, text of direct children only") {
  Element m(std::string(ns::client), "message");
  m.add_text("\n  ");
  Element& body = m.add_child(std::string(ns::client), "body");
  body.add_text("Wherefore ").add_text("art thou?");
  m.add_child("urn:xmpp:receipts", "request");
  m.add_child(std::string(ns::client), "body").add_text("second");

  REQUIRE(m.child(ns::client, "body") != nullptr);
  CHECK(m.child(ns::client, "body")->text() == "Wherefore art thou?");
  CHECK(m.child("urn:xmpp:receipts", "request") != nullptr);
  CHECK(m.child(ns::client, "request") == nullptr);  // same name, other namespace
  CHECK(m.child("urn:xmpp:receipts", "body") == nullptr);

  // Adjacent text merges into one node.
  CHECK(m.child(ns::client, "body")->children().size() == 1);
  CHECK(m.text() == "\n  ");

  std::vector<std::string> names;
  for (const Element& c : m.child_elements()) names.push_back(c.name());
  CHECK(names == std::vector<std::string>{"body", "request", "body"});
  REQUIRE(m.first_child_element() != nullptr);
  CHECK(m.first_child_element()->name() == "body");

  Element* mutable_body = m.child(ns::client, "body");
  mutable_body->set_attribute("hint", "yes");
  CHECK(m.child(ns::client, "body")->attribute("hint") == "yes");
}

TEST_CASE("text() concatenates text children around elements") {
  Element p("", "p");
  p.add_text("a");
  p.add_child("", "b").add_text("ignored");
  p.add_text("c");
  CHECK(p.children().size() == 3);
  CHECK(p.text() == "ac");
  p.add_text("");
  CHECK(p.children().size() == 3);  // empty text adds nothing
}

TEST_CASE("equality is structural") {
  auto make = [] {
    Element e(std::string(ns::client), "iq");
    e.set_attribute("type", "get").set_attribute("id", "1");
    e.add_child("jabber:iq:version", "query").add_text("x");
    return e;
  };
  CHECK(make() == make());
  Element other = make();
  other.set_attribute("id", "2");
  CHECK_FALSE(make() == other);
  Element reordered(std::string(ns::client), "iq");
  reordered.set_attribute("id", "1").set_attribute("type", "get");
  reordered.add_child("jabber:iq:version", "query").add_text("x");
  CHECK_FALSE(make() == reordered);  // attribute order is kept, and compared
  Element copy = make();
  copy.clear_children();
  CHECK_FALSE(make() == copy);
  CHECK(copy.children().empty());
}
