#include "xmpp/stanza_envelope.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "xml_stream_test_support.hpp"

using namespace reload::xmpp;

namespace {

// The stanza as a peer's stream delivers it: parsed by XmlStreamParser from a jabber:client
// stream, so namespaces are inherited exactly as on the wire.
std::shared_ptr<const Element> parsed(std::string_view xml) {
  auto r = test::parse(test::client_header() + std::string(xml));
  REQUIRE_MESSAGE(!r.error, r.detail);
  REQUIRE(r.events.stanzas.size() == 1);
  return std::make_shared<const Element>(std::move(r.events.stanzas.front()));
}

StanzaEnvelope envelope(std::string_view xml) {
  auto e = envelope_of(parsed(xml));
  REQUIRE_MESSAGE(e.has_value(), e.error().message());
  return std::move(*e);
}

boost::system::error_code refusal(std::string_view xml) {
  auto e = envelope_of(parsed(xml));
  REQUIRE_FALSE(e.has_value());
  return e.error();
}

std::string carbon(std::string_view wrapper, std::string_view inside) {
  return "<message from='alice@example.org' to='alice@example.org/phone' type='chat'><" +
         std::string(wrapper) + " xmlns='urn:xmpp:carbons:2'>" + std::string(inside) + "</" +
         std::string(wrapper) + "></message>";
}

const std::string inner_chat =
    "<message xmlns='jabber:client' from='bob@example.org/desk' to='alice@example.org' "
    "type='chat'><body>hi</body><origin-id xmlns='urn:xmpp:sid:0' id='o-1'/></message>";

std::string forwarded(std::string_view inside) {
  return "<forwarded xmlns='urn:xmpp:forward:0'>" + std::string(inside) + "</forwarded>";
}

}  // namespace

TEST_CASE("a chat message: kind, type, prepared addresses, payload") {
  const auto stanza = parsed(
      "<message from='Alice@Example.ORG/Laptop' to='BOB@example.org' type='chat' id='m1'>"
      "<body>hi</body></message>");
  auto e = envelope_of(stanza);
  REQUIRE(e.has_value());
  CHECK(e->kind == StanzaKind::message);
  CHECK(e->message_type == MessageType::chat);
  CHECK_FALSE(e->is_error);
  // RFC 7622: localpart and domainpart case-folded, resourcepart kept as written.
  CHECK(e->from == StanzaAddress{"alice@example.org", "Laptop"});
  CHECK(e->to == StanzaAddress{"bob@example.org", ""});
  CHECK_FALSE(e->origin_id);
  CHECK_FALSE(e->private_hint);
  CHECK_FALSE(e->no_copy_hint);
  CHECK(e->carbon == CarbonKind::none);
  CHECK_FALSE(e->forwarded);
  CHECK(stanza_element(*e) == stanza);
  CHECK(fans_out(*e));
  CHECK(carbon_eligible(*e));
}

TEST_CASE("absent addresses stay empty") {
  const auto e = envelope("<message><body>to my own account</body></message>");
  CHECK(e.to.empty());
  CHECK(e.from.empty());
}

TEST_CASE("message types: absent and unknown are normal, error is its own flag") {
  CHECK(envelope("<message to='b@x.example'/>").message_type == MessageType::normal);
  CHECK(envelope("<message type='normal'/>").message_type == MessageType::normal);
  CHECK(envelope("<message type='chat'/>").message_type == MessageType::chat);
  CHECK(envelope("<message type='groupchat'/>").message_type == MessageType::groupchat);
  CHECK(envelope("<message type='headline'/>").message_type == MessageType::headline);
  CHECK(envelope("<message type='shout'/>").message_type == MessageType::normal);
  const auto error = envelope("<message type='error'/>");
  CHECK(error.is_error);
  CHECK_FALSE(fans_out(error));
}

TEST_CASE("presence and iq") {
  const auto presence = envelope("<presence/>");
  CHECK(presence.kind == StanzaKind::presence);
  CHECK_FALSE(presence.is_error);
  CHECK(envelope("<presence type='error'/>").is_error);
  CHECK(envelope("<presence type='unavailable'/>").kind == StanzaKind::presence);

  for (const char* type : {"get", "set", "result", "error"}) {
    const auto iq = envelope("<iq id='q' to='b@x.example/r' type='" + std::string(type) + "'/>");
    CHECK(iq.kind == StanzaKind::iq);
    CHECK(iq.is_error == (std::string_view(type) == "error"));
    CHECK(iq.to == StanzaAddress{"b@x.example", "r"});
  }
}

TEST_CASE("an iq needs an id and a known type (RFC 6120 section 8.2.3)") {
  CHECK(refusal("<iq type='get'/>") == stanza_errc::malformed_iq);
  CHECK(refusal("<iq id='q'/>") == stanza_errc::malformed_iq);
  CHECK(refusal("<iq id='q' type='fetch'/>") == stanza_errc::malformed_iq);
}

TEST_CASE("invalid JIDs in 'to' or 'from' are refused, each by name") {
  for (const char* bad : {"", "@example.org", "juliet@", "a b@example.org", "juliet@example.org/",
                          "a@b@c.example"}) {
    CAPTURE(bad);
    CHECK(refusal("<message to='" + std::string(bad) + "'/>") == stanza_errc::malformed_to);
    CHECK(refusal("<presence from='" + std::string(bad) + "'/>") == stanza_errc::malformed_from);
  }
}

TEST_CASE("what is not a jabber:client stanza has no envelope") {
  CHECK(refusal("<foo/>") == stanza_errc::not_a_stanza);
  CHECK(refusal("<message xmlns='jabber:server'/>") == stanza_errc::not_a_stanza);
  CHECK(refusal("<x:message xmlns:x='urn:example'/>") == stanza_errc::not_a_stanza);
  auto none = envelope_of(nullptr);
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error() == stanza_errc::not_a_stanza);
}

TEST_CASE("origin-id (XEP-0359)") {
  CHECK(envelope("<message><origin-id xmlns='urn:xmpp:sid:0' id='abc'/></message>").origin_id ==
        "abc");
  // Another namespace is another element.
  CHECK_FALSE(envelope("<message><origin-id id='abc'/></message>").origin_id);
  CHECK(refusal("<message><origin-id xmlns='urn:xmpp:sid:0'/></message>") ==
        stanza_errc::malformed_origin_id);
  CHECK(refusal("<message><origin-id xmlns='urn:xmpp:sid:0' id=''/></message>") ==
        stanza_errc::malformed_origin_id);
  CHECK(refusal("<message><origin-id xmlns='urn:xmpp:sid:0' id='a'/>"
                "<origin-id xmlns='urn:xmpp:sid:0' id='b'/></message>") ==
        stanza_errc::malformed_origin_id);
  // Defined on messages only: elsewhere it is just content.
  const auto presence = envelope("<presence><origin-id xmlns='urn:xmpp:sid:0' id='p'/></presence>");
  CHECK_FALSE(presence.origin_id);
}

TEST_CASE("private (XEP-0280) and no-copy (XEP-0334) hints") {
  const auto priv =
      envelope("<message type='chat'><private xmlns='urn:xmpp:carbons:2'/></message>");
  CHECK(priv.private_hint);
  CHECK_FALSE(priv.no_copy_hint);
  CHECK_FALSE(carbon_eligible(priv));
  const auto no_copy = envelope("<message type='chat'><no-copy xmlns='urn:xmpp:hints'/></message>");
  CHECK(no_copy.no_copy_hint);
  CHECK_FALSE(no_copy.private_hint);
  CHECK_FALSE(carbon_eligible(no_copy));
  // The names in the wrong namespaces are no hints.
  const auto neither = envelope(
      "<message type='chat'><private xmlns='urn:xmpp:hints'/><no-copy xmlns='urn:xmpp:carbons:2'/>"
      "</message>");
  CHECK_FALSE(neither.private_hint);
  CHECK_FALSE(neither.no_copy_hint);
}

TEST_CASE("a received carbon: the inner message becomes the forwarded envelope") {
  auto outer = parsed(carbon("received", forwarded(inner_chat)));
  auto e = envelope_of(outer);
  REQUIRE(e.has_value());
  CHECK(e->carbon == CarbonKind::received);
  CHECK(e->from == StanzaAddress{"alice@example.org", ""});
  CHECK(e->to == StanzaAddress{"alice@example.org", "phone"});
  REQUIRE(e->forwarded);
  const StanzaEnvelope& inner = *e->forwarded;
  CHECK(inner.kind == StanzaKind::message);
  CHECK(inner.message_type == MessageType::chat);
  CHECK(inner.from == StanzaAddress{"bob@example.org", "desk"});
  CHECK(inner.to == StanzaAddress{"alice@example.org", ""});
  CHECK(inner.origin_id == "o-1");
  CHECK(inner.carbon == CarbonKind::none);

  // The inner payload is the inner <message/> of the outer stanza, and keeps it alive.
  auto inner_element = stanza_element(inner);
  REQUIRE(inner_element);
  CHECK(inner_element->is(ns::client, "message"));
  CHECK(inner_element->child(ns::client, "body")->text() == "hi");
  const Element* in_outer = outer->child(ns::carbons, "received")
                                ->child(ns::forward, "forwarded")
                                ->child(ns::client, "message");
  CHECK(inner_element.get() == in_outer);
  std::weak_ptr<const Element> watch = outer;
  auto kept = e->forwarded;
  inner_element.reset();
  outer.reset();
  e = envelope_of(nullptr);  // drops the outer envelope too
  CHECK_FALSE(watch.expired());
  CHECK(stanza_element(*kept)->child(ns::client, "body")->text() == "hi");
  kept.reset();
  CHECK(watch.expired());
}

TEST_CASE("a sent carbon, with a XEP-0297 delay beside the message") {
  const auto e = envelope(carbon(
      "sent", forwarded("<delay xmlns='urn:xmpp:delay' stamp='2024-01-01T00:00:00Z'/>" +
                        inner_chat)));
  CHECK(e.carbon == CarbonKind::sent);
  REQUIRE(e.forwarded);
  CHECK(e.forwarded->origin_id == "o-1");
}

TEST_CASE("malformed carbons are refused, each with its reason") {
  SUBCASE("no forwarded") {
    CHECK(refusal(carbon("received", "")) == stanza_errc::carbon_without_forwarded);
    CHECK(refusal(carbon("sent", inner_chat)) == stanza_errc::carbon_without_forwarded);
    // <forwarded/> in the wrong namespace is not XEP-0297's.
    CHECK(refusal(carbon("received", "<forwarded>" + inner_chat + "</forwarded>")) ==
          stanza_errc::carbon_without_forwarded);
  }
  SUBCASE("no inner message") {
    CHECK(refusal(carbon("received", forwarded(""))) == stanza_errc::carbon_without_message);
    CHECK(refusal(carbon("received", forwarded("<presence xmlns='jabber:client'/>"))) ==
          stanza_errc::carbon_without_message);
    // Inside <forwarded/> the default namespace is urn:xmpp:forward:0: an undeclared
    // <message/> is not a jabber:client message.
    CHECK(refusal(carbon("received", forwarded("<message to='alice@example.org'/>"))) ==
          stanza_errc::carbon_without_message);
  }
  SUBCASE("two of them") {
    CHECK(refusal(carbon("received", forwarded(inner_chat) + forwarded(inner_chat))) ==
          stanza_errc::carbon_ambiguous);
    CHECK(refusal(carbon("received", forwarded(inner_chat + inner_chat))) ==
          stanza_errc::carbon_ambiguous);
    CHECK(refusal("<message><received xmlns='urn:xmpp:carbons:2'>" + forwarded(inner_chat) +
                  "</received><sent xmlns='urn:xmpp:carbons:2'>" + forwarded(inner_chat) +
                  "</sent></message>") == stanza_errc::carbon_ambiguous);
    CHECK(refusal("<message><sent xmlns='urn:xmpp:carbons:2'>" + forwarded(inner_chat) +
                  "</sent><sent xmlns='urn:xmpp:carbons:2'>" + forwarded(inner_chat) +
                  "</sent></message>") == stanza_errc::carbon_ambiguous);
  }
  SUBCASE("a carbon in a carbon") {
    const std::string nested =
        "<message xmlns='jabber:client' to='alice@example.org'><sent xmlns='urn:xmpp:carbons:2'>" +
        forwarded(inner_chat) + "</sent></message>";
    CHECK(refusal(carbon("received", forwarded(nested))) == stanza_errc::carbon_nested);
  }
  SUBCASE("the inner message is itself bad") {
    CHECK(refusal(carbon("received", forwarded("<message xmlns='jabber:client' from='@x'/>"))) ==
          stanza_errc::carbon_inner_invalid);
    CHECK(refusal(carbon("received",
                         forwarded("<message xmlns='jabber:client'>"
                                   "<origin-id xmlns='urn:xmpp:sid:0'/></message>"))) ==
          stanza_errc::carbon_inner_invalid);
  }
  SUBCASE("the outer message's own faults come first") {
    CHECK(refusal("<message to='@bad'><received xmlns='urn:xmpp:carbons:2'/></message>") ==
          stanza_errc::malformed_to);
  }
}

TEST_CASE("carbon elements mean nothing outside a message") {
  const auto presence = envelope("<presence><received xmlns='urn:xmpp:carbons:2'/></presence>");
  CHECK(presence.carbon == CarbonKind::none);
  CHECK_FALSE(presence.forwarded);
}

TEST_CASE("stanza_element of an envelope without payload is null") {
  StanzaEnvelope bare;
  CHECK_FALSE(stanza_element(bare));
  const auto wrapped = wrap_in_carbon(CarbonKind::sent, nullptr, "alice@example.org",
                                      StanzaAddress{"alice@example.org", "phone"});
  CHECK_FALSE(stanza_element(wrapped));
}

TEST_CASE("to_jid_string") {
  CHECK(to_jid_string({"alice@example.org", "phone"}) == "alice@example.org/phone");
  CHECK(to_jid_string({"alice@example.org", ""}) == "alice@example.org");
  CHECK(to_jid_string({"example.org", "r/with/slash"}) == "example.org/r/with/slash");
  CHECK(to_jid_string({}).empty());
}

TEST_CASE("every stanza_errc has its own message in its own category") {
  std::set<std::string> messages;
  for (int v = 1; v <= static_cast<int>(stanza_errc::carbon_inner_invalid); ++v) {
    const boost::system::error_code ec = make_error_code(static_cast<stanza_errc>(v));
    CHECK(ec.category() == stanza_category());
    CHECK(messages.insert(ec.message()).second);
  }
  CHECK(std::string_view(stanza_category().name()) == "xmpp-stanza");
}
