#include "xmpp/stanza_error.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <string_view>

#include "xml_stream_test_support.hpp"
#include "xmpp/fanout_router.hpp"
#include "xmpp/stanza_envelope.hpp"
#include "xmpp/xml_writer.hpp"

using namespace reload::xmpp;
using namespace std::chrono_literals;
using fanout::DropReason;

namespace {

const TimePoint t0 = TimePoint{} + 1h;

std::shared_ptr<const Element> parsed(std::string_view xml) {
  auto r = test::parse(test::client_header() + std::string(xml));
  REQUIRE_MESSAGE(!r.error, r.detail);
  REQUIRE(r.events.stanzas.size() == 1);
  return std::make_shared<const Element>(std::move(r.events.stanzas.front()));
}

std::string attr(const Element& e, std::string_view name) {
  return std::string(e.attribute(name).value_or("<absent>"));
}

// The condition element of an error stanza, checked to be where RFC 6120 section 8.3.2 puts
// it: the only child of the only <error/>, in the stanzas namespace.
const Element& condition_of(const Element& answer, std::string_view expected_type) {
  CHECK(attr(answer, "type") == "error");
  const Element* error = answer.child(ns::client, "error");
  REQUIRE(error);
  CHECK(attr(*error, "type") == expected_type);
  const Element* condition = error->first_child_element();
  REQUIRE(condition);
  CHECK(condition->ns() == ns::stanzas);
  int children = 0;
  for ([[maybe_unused]] const Element& c : error->child_elements()) ++children;
  CHECK(children == 1);
  return *condition;
}

StanzaRouter alice_laptop() {
  StanzaRouter router({"alice@example.org", "laptop"}, [] { return std::string("gen-1"); });
  router.on_link_up({1, "alice@example.org", "phone", "node-a2", 20});
  router.on_link_up({10, "bob@example.org", "desk", "node-b1", 10});
  return router;
}

fanout::Dropped only_drop(const std::vector<fanout::Effect>& effects) {
  REQUIRE(effects.size() == 1);
  const auto* drop = std::get_if<fanout::Dropped>(&effects.front());
  REQUIRE(drop);
  return *drop;
}

StanzaEnvelope envelope(std::string_view xml) {
  auto e = envelope_of(parsed(xml));
  REQUIRE(e.has_value());
  return std::move(*e);
}

}  // namespace

TEST_CASE("service-unavailable for a message: same id, addresses swapped, RFC 6120 8.3") {
  const auto original = parsed(
      "<message from='bob@example.org/desk' to='alice@example.org/tablet' id='m7' type='chat'>"
      "<body>secret</body></message>");
  const auto answer = stanza_error(*original, StanzaErrorCondition::service_unavailable);
  REQUIRE(answer.has_value());
  CHECK(answer->is(ns::client, "message"));
  CHECK(attr(*answer, "to") == "bob@example.org/desk");
  CHECK(attr(*answer, "from") == "alice@example.org/tablet");
  CHECK(attr(*answer, "id") == "m7");
  CHECK(condition_of(*answer, "cancel").name() == "service-unavailable");
  // The original's content is not echoed back.
  CHECK_FALSE(answer->child(ns::client, "body"));

  auto xml = to_xml(*answer, WriteContext{ns::client, true});
  REQUIRE(xml.has_value());
  CHECK(*xml ==
        "<message to='bob@example.org/desk' from='alice@example.org/tablet' id='m7' "
        "type='error'><error type='cancel'><service-unavailable "
        "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>");
}

TEST_CASE("an iq request gets an iq error; addresses absent in the original stay absent") {
  const auto answer =
      stanza_error(*parsed("<iq type='get' id='q1'><query xmlns='jabber:iq:version'/></iq>"),
                   StanzaErrorCondition::feature_not_implemented);
  REQUIRE(answer.has_value());
  CHECK(answer->is(ns::client, "iq"));
  CHECK(attr(*answer, "id") == "q1");
  CHECK_FALSE(answer->attribute("to"));
  CHECK_FALSE(answer->attribute("from"));
  CHECK(condition_of(*answer, "cancel").name() == "feature-not-implemented");
}

TEST_CASE("never an error in answer to an error, nor to an iq result") {
  for (const char* xml :
       {"<message type='error' id='e'/>", "<presence type='error'/>",
        "<iq type='error' id='e'/>", "<iq type='result' id='r'/>", "<foo/>",
        "<message xmlns='jabber:server'/>"}) {
    CAPTURE(xml);
    CHECK_FALSE(stanza_error(*parsed(xml), StanzaErrorCondition::service_unavailable));
  }
  CHECK(stanza_error(*parsed("<iq type='set' id='s'/>"), StanzaErrorCondition::not_allowed));
  CHECK(stanza_error(*parsed("<presence type='subscribe'/>"), StanzaErrorCondition::forbidden));
}

TEST_CASE("error types follow RFC 6120 section 8.3.3, or the one asked for") {
  CHECK(default_error_type(StanzaErrorCondition::jid_malformed) == StanzaErrorType::modify);
  CHECK(default_error_type(StanzaErrorCondition::bad_request) == StanzaErrorType::modify);
  CHECK(default_error_type(StanzaErrorCondition::service_unavailable) == StanzaErrorType::cancel);
  CHECK(default_error_type(StanzaErrorCondition::forbidden) == StanzaErrorType::auth);
  CHECK(default_error_type(StanzaErrorCondition::resource_constraint) == StanzaErrorType::wait);
  CHECK(condition_name(StanzaErrorCondition::jid_malformed) == "jid-malformed");
  CHECK(error_type_name(StanzaErrorType::continue_) == "continue");

  const auto answer = stanza_error(*parsed("<message id='x'/>"),
                                   StanzaErrorCondition::policy_violation, StanzaErrorType::wait);
  REQUIRE(answer.has_value());
  CHECK(condition_of(*answer, "wait").name() == "policy-violation");
}

TEST_CASE("envelope_of refusals map to jid-malformed and bad-request; carbons to nothing") {
  using C = StanzaErrorCondition;
  CHECK(error_condition_for(make_error_code(stanza_errc::malformed_to)) == C::jid_malformed);
  CHECK(error_condition_for(make_error_code(stanza_errc::malformed_from)) == C::jid_malformed);
  CHECK(error_condition_for(make_error_code(stanza_errc::malformed_iq)) == C::bad_request);
  CHECK(error_condition_for(make_error_code(stanza_errc::malformed_origin_id)) == C::bad_request);
  for (auto e : {stanza_errc::not_a_stanza, stanza_errc::carbon_without_forwarded,
                 stanza_errc::carbon_without_message, stanza_errc::carbon_ambiguous,
                 stanza_errc::carbon_nested, stanza_errc::carbon_inner_invalid})
    CHECK_FALSE(error_condition_for(make_error_code(e)));
  CHECK_FALSE(error_condition_for(boost::system::error_code()));
  CHECK_FALSE(error_condition_for(make_error_code(boost::system::errc::invalid_argument)));
}

TEST_CASE("a client's message to a malformed JID is answered with jid-malformed") {
  const auto original = parsed("<message to='@capulet.example' id='c1' type='chat'/>");
  auto refused = envelope_of(original);
  REQUIRE_FALSE(refused.has_value());
  const auto condition = error_condition_for(refused.error());
  REQUIRE(condition.has_value());
  const auto answer = stanza_error(*original, *condition);
  REQUIRE(answer.has_value());
  CHECK(attr(*answer, "from") == "@capulet.example");  // as written: it is what the client sent
  CHECK_FALSE(answer->attribute("to"));
  CHECK(attr(*answer, "id") == "c1");
  CHECK(condition_of(*answer, "modify").name() == "jid-malformed");
}

TEST_CASE("a local send with no route is answered service-unavailable, to this device") {
  auto router = alice_laptop();
  const auto drop =
      only_drop(router.on_local_send(envelope("<message to='Carol@Example.org' id='m1' "
                                              "type='chat'><body>hi</body></message>"),
                                     t0));
  CHECK(drop.reason == DropReason::no_route);
  CHECK(error_condition_for(drop) == StanzaErrorCondition::service_unavailable);
  const auto answer = undeliverable_error(drop);
  REQUIRE(answer.has_value());
  // 'from' the address the client named (prepared), 'to' the device the router stamped.
  CHECK(attr(*answer, "from") == "carol@example.org");
  CHECK(attr(*answer, "to") == "alice@example.org/laptop");
  CHECK(attr(*answer, "id") == "m1");
  CHECK(condition_of(*answer, "cancel").name() == "service-unavailable");
}

TEST_CASE("an iq to a bare JID the shell did not answer is service-unavailable") {
  auto router = alice_laptop();
  const auto drop = only_drop(
      router.on_local_send(envelope("<iq to='bob@example.org' type='get' id='v'/>"), t0));
  CHECK(drop.reason == DropReason::iq_needs_full_jid);
  const auto answer = undeliverable_error(drop);
  REQUIRE(answer.has_value());
  CHECK(answer->is(ns::client, "iq"));
  CHECK(attr(*answer, "from") == "bob@example.org");
  CHECK(condition_of(*answer, "cancel").name() == "service-unavailable");

  // An undeliverable iq result is not answered.
  const auto result = only_drop(
      router.on_local_send(envelope("<iq to='carol@example.org/x' type='result' id='v'/>"), t0));
  CHECK(result.reason == DropReason::no_route);
  CHECK_FALSE(undeliverable_error(result));
}

TEST_CASE("drops that get no answer") {
  auto router = alice_laptop();
  SUBCASE("undeliverable presence is dropped silently (RFC 6121)") {
    const auto drop =
        only_drop(router.on_local_send(envelope("<presence to='carol@example.org'/>"), t0));
    CHECK(drop.reason == DropReason::no_route);
    CHECK_FALSE(error_condition_for(drop));
    CHECK_FALSE(undeliverable_error(drop));
  }
  SUBCASE("an undeliverable error") {
    const auto drop = only_drop(router.on_local_send(
        envelope("<message to='carol@example.org/x' type='error' id='e'/>"), t0));
    CHECK(drop.reason == DropReason::no_route);
    CHECK(error_condition_for(drop));  // the reason would deserve one...
    CHECK_FALSE(undeliverable_error(drop));  // ...but an error is never answered
  }
  SUBCASE("a forged sender") {
    const auto drop = only_drop(router.on_stanza_received(
        10, envelope("<message from='carol@example.org/x' to='alice@example.org' id='f'/>"), t0));
    CHECK(drop.reason == DropReason::sender_mismatch);
    CHECK_FALSE(undeliverable_error(drop));
  }
  SUBCASE("a carbon from the local client") {
    const auto drop = only_drop(router.on_local_send(
        envelope("<message><sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
                 "<message xmlns='jabber:client' to='bob@example.org'/></forwarded></sent>"
                 "</message>"),
        t0));
    CHECK(drop.reason == DropReason::carbon_from_local_client);
    CHECK_FALSE(undeliverable_error(drop));
  }
  SUBCASE("a duplicate") {
    const auto m = "<message from='bob@example.org/desk' to='alice@example.org' type='headline' "
                   "id='d'><origin-id xmlns='urn:xmpp:sid:0' id='dup'/></message>";
    CHECK(std::holds_alternative<fanout::DeliverLocally>(
        router.on_stanza_received(10, envelope(m), t0).front()));
    const auto drop = only_drop(router.on_stanza_received(10, envelope(m), t0));
    CHECK(drop.reason == DropReason::duplicate);
    CHECK_FALSE(undeliverable_error(drop));
  }
  SUBCASE("an envelope with no Element has no id to answer with") {
    StanzaEnvelope bare;
    bare.kind = StanzaKind::message;
    bare.to = {"carol@example.org", ""};
    CHECK_FALSE(stanza_error(bare, StanzaErrorCondition::service_unavailable));
    CHECK_FALSE(undeliverable_error(
        fanout::Dropped{DropReason::no_route, std::make_shared<const StanzaEnvelope>(bare)}));
    CHECK_FALSE(undeliverable_error(fanout::Dropped{DropReason::no_route, nullptr}));
  }
}

TEST_CASE("a stanza received for another device of this user is answered") {
  auto router = alice_laptop();
  const auto drop = only_drop(router.on_stanza_received(
      10, envelope("<iq from='bob@example.org/desk' to='alice@example.org/tablet' type='get' "
                   "id='q'/>"),
      t0));
  CHECK(drop.reason == DropReason::not_addressed_here);
  const auto answer = undeliverable_error(drop);
  REQUIRE(answer.has_value());
  CHECK(attr(*answer, "to") == "bob@example.org/desk");
  CHECK(attr(*answer, "from") == "alice@example.org/tablet");
}
