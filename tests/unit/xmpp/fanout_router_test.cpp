#include "xmpp/fanout_router.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

using namespace reload::xmpp;
using namespace std::chrono_literals;
using fanout::DropReason;
using fanout::Wrapping;

namespace {

const std::string alice = "alice@example.org";
const std::string bob = "bob@example.org";
const std::string carol = "carol@example.org";

// Link ids of the device under test, alice/laptop.
constexpr LinkId alice_phone = 1, alice_tablet = 2, bob_desk = 10, bob_phone = 11, carol_pc = 20;

StanzaRouter make_router(StanzaRouterSettings settings = {}) {
  int counter = 0;
  StanzaRouter router(
      {alice, "laptop"}, [counter]() mutable { return "gen-" + std::to_string(++counter); },
      settings);
  router.on_link_up({alice_phone, alice, "phone", "node-a2", 20});
  router.on_link_up({alice_tablet, alice, "tablet", "node-a3", 30});
  router.on_link_up({bob_desk, bob, "desk", "node-b1", 10});
  router.on_link_up({bob_phone, bob, "phone", "node-b2", 20});
  router.on_link_up({carol_pc, carol, "pc", "node-c1", 10});
  return router;
}

StanzaEnvelope chat(StanzaAddress from, StanzaAddress to, std::optional<std::string> origin_id) {
  StanzaEnvelope m;
  m.kind = StanzaKind::message;
  m.message_type = MessageType::chat;
  m.from = std::move(from);
  m.to = std::move(to);
  m.origin_id = std::move(origin_id);
  return m;
}

StanzaEnvelope stanza(StanzaKind kind, StanzaAddress to) {
  StanzaEnvelope s;
  s.kind = kind;
  s.to = std::move(to);
  return s;
}

StanzaEnvelope carbon(CarbonKind kind, const StanzaEnvelope& original) {
  return wrap_in_carbon(kind, std::make_shared<const StanzaEnvelope>(original), alice,
                        StanzaAddress{alice, "laptop"});
}

// What a list of effects amounts to, for checking.
struct Outcome {
  std::vector<std::pair<LinkId, Wrapping>> sent;
  std::vector<std::shared_ptr<const StanzaEnvelope>> delivered;
  std::vector<DropReason> dropped;

  explicit Outcome(const std::vector<fanout::Effect>& effects) {
    for (const auto& effect : effects) {
      if (const auto* send = std::get_if<fanout::SendTo>(&effect)) {
        REQUIRE(send->stanza);
        sent.emplace_back(send->link, send->wrapping);
      } else if (const auto* deliver = std::get_if<fanout::DeliverLocally>(&effect)) {
        delivered.push_back(deliver->stanza);
      } else {
        dropped.push_back(std::get<fanout::Dropped>(effect).reason);
      }
    }
  }
  std::set<LinkId> links(Wrapping wrapping) const {
    std::set<LinkId> ids;
    for (const auto& [link, how] : sent)
      if (how == wrapping) ids.insert(link);
    return ids;
  }
  bool only_dropped(DropReason reason) const {
    return sent.empty() && delivered.empty() && dropped == std::vector<DropReason>{reason};
  }
};

const TimePoint t0{};

}  // namespace

TEST_CASE("a local chat goes to every device of the recipient, carbons to the sender's own") {
  auto router = make_router();
  auto effects = router.on_local_send(chat({}, {bob, {}}, std::nullopt), t0);
  Outcome out(effects);
  CHECK(out.links(Wrapping::as_is) == std::set<LinkId>{bob_desk, bob_phone});
  CHECK(out.links(Wrapping::sent_carbon) == std::set<LinkId>{alice_phone, alice_tablet});
  CHECK(out.links(Wrapping::received_carbon).empty());
  CHECK(out.sent.size() == 4);
  CHECK(out.delivered.empty());
  CHECK(out.dropped.empty());

  // One shared envelope, stamped with this device as sender and a fresh origin-id.
  const auto& sent = std::get<fanout::SendTo>(effects.front()).stanza;
  CHECK(sent->from == StanzaAddress{alice, "laptop"});
  CHECK(sent->origin_id == "gen-1");
  for (const auto& effect : effects) CHECK(std::get<fanout::SendTo>(effect).stanza == sent);
}

TEST_CASE("a client's own origin-id is kept; a forged from is replaced") {
  auto router = make_router();
  auto effects = router.on_local_send(chat({carol, "pc"}, {bob, "phone"}, "client-7"), t0);
  const auto& sent = std::get<fanout::SendTo>(effects.front()).stanza;
  CHECK(sent->origin_id == "client-7");
  CHECK(sent->from == StanzaAddress{alice, "laptop"});
  // Addressed to one resource, a chat still reaches every device of the user (6.2).
  CHECK(Outcome(effects).links(Wrapping::as_is) == std::set<LinkId>{bob_desk, bob_phone});
}

TEST_CASE("a chat to a user with no connected device is not sent and not carbon-copied") {
  auto router = make_router();
  auto out = Outcome(router.on_local_send(chat({}, {"dave@example.org", {}}, "x"), t0));
  CHECK(out.only_dropped(DropReason::no_route));
}

TEST_CASE("a chat to the user's own bare JID reaches the siblings once, with no carbons") {
  auto router = make_router();
  Outcome out(router.on_local_send(chat({}, {alice, {}}, "note"), t0));
  CHECK(out.links(Wrapping::as_is) == std::set<LinkId>{alice_phone, alice_tablet});
  CHECK(out.sent.size() == 2);
}

TEST_CASE("a sibling's note to the user is passed on to the other siblings, not back") {
  auto router = make_router();
  Outcome out(
      router.on_stanza_received(alice_phone, chat({alice, "phone"}, {alice, {}}, "n1"), t0));
  CHECK(out.delivered.size() == 1);
  CHECK(out.sent ==
        std::vector<std::pair<LinkId, Wrapping>>{{alice_tablet, Wrapping::received_carbon}});
}

TEST_CASE("the sender's own message coming back in a sibling's carbon is a duplicate") {
  auto router = make_router();
  auto effects = router.on_local_send(chat({}, {alice, {}}, "note"), t0);
  REQUIRE(Outcome(effects).sent.size() == 2);
  const auto& sent = std::get<fanout::SendTo>(effects.front()).stanza;
  CHECK(Outcome(router.on_stanza_received(alice_tablet, carbon(CarbonKind::received, *sent), t0))
            .only_dropped(DropReason::duplicate));
  // Likewise a sent carbon echoing it.
  CHECK(Outcome(router.on_stanza_received(alice_phone, carbon(CarbonKind::sent, *sent), t0))
            .only_dropped(DropReason::duplicate));
}

TEST_CASE("private with no-copy: originals only, on both sides") {
  auto router = make_router();
  auto message = chat({}, {bob, {}}, "p1");
  message.private_hint = true;
  message.no_copy_hint = true;
  Outcome sent(router.on_local_send(message, t0));
  CHECK(sent.links(Wrapping::as_is) == std::set<LinkId>{bob_desk, bob_phone});
  CHECK(sent.links(Wrapping::sent_carbon).empty());

  auto incoming = chat({bob, "desk"}, {alice, {}}, "p2");
  incoming.private_hint = true;
  incoming.no_copy_hint = true;
  Outcome received(router.on_stanza_received(bob_desk, incoming, t0));
  CHECK(received.delivered.size() == 1);
  CHECK(received.sent.empty());
}

TEST_CASE("a received original is delivered once and passed on once to the siblings") {
  auto router = make_router();
  Outcome first(router.on_stanza_received(bob_desk, chat({bob, "desk"}, {alice, {}}, "m1"), t0));
  REQUIRE(first.delivered.size() == 1);
  CHECK(first.delivered[0]->carbon == CarbonKind::none);
  CHECK(first.links(Wrapping::received_carbon) == std::set<LinkId>{alice_phone, alice_tablet});
  CHECK(first.sent.size() == 2);

  // The same message again, as the sender resent it: a duplicate, not passed on again.
  Outcome again(
      router.on_stanza_received(bob_desk, chat({bob, "desk"}, {alice, {}}, "m1"), t0 + 1s));
  CHECK(again.only_dropped(DropReason::duplicate));

  // Another user's message with the same origin-id is another message.
  Outcome other(
      router.on_stanza_received(carol_pc, chat({carol, "pc"}, {alice, {}}, "m1"), t0 + 2s));
  CHECK(other.delivered.size() == 1);
}

TEST_CASE("the duplicate key is the certificate's user, not the 'from' a peer writes") {
  auto router = make_router();
  Outcome forged(router.on_stanza_received(carol_pc, chat({bob, "desk"}, {alice, {}}, "m1"), t0));
  CHECK(forged.only_dropped(DropReason::sender_mismatch));
  // With no 'from', the stream's identity is used.
  Outcome unnamed(router.on_stanza_received(bob_desk, chat({}, {alice, {}}, "m2"), t0));
  REQUIRE(unnamed.delivered.size() == 1);
  CHECK(unnamed.delivered[0]->from == StanzaAddress{bob, "desk"});
  CHECK(Outcome(router.on_stanza_received(bob_phone, chat({bob, "phone"}, {alice, {}}, "m2"), t0))
            .only_dropped(DropReason::duplicate));
}

TEST_CASE("a device relays nothing that is not for its own user") {
  auto router = make_router();
  Outcome out(router.on_stanza_received(bob_desk, chat({bob, "desk"}, {carol, {}}, "m1"), t0));
  CHECK(out.only_dropped(DropReason::not_addressed_here));
}

TEST_CASE("a received carbon is delivered and never passed on") {
  auto router = make_router();
  auto original = chat({bob, "desk"}, {alice, "phone"}, "m1");
  Outcome out(router.on_stanza_received(alice_phone, carbon(CarbonKind::received, original), t0));
  REQUIRE(out.delivered.size() == 1);
  CHECK(out.delivered[0]->carbon == CarbonKind::received);
  CHECK(out.sent.empty());

  // The same carbon from another sibling: a duplicate.
  CHECK(Outcome(router.on_stanza_received(alice_tablet, carbon(CarbonKind::received, original), t0))
            .only_dropped(DropReason::duplicate));

  // The original arriving after its carbon is a duplicate for the client, but is passed on
  // (once): the sibling whose carbon came first may not reach every device this one does.
  Outcome late(router.on_stanza_received(bob_desk, original, t0 + 1s));
  CHECK(late.delivered.empty());
  CHECK(late.dropped == std::vector<DropReason>{DropReason::duplicate});
  CHECK(late.links(Wrapping::received_carbon) == std::set<LinkId>{alice_phone, alice_tablet});
  Outcome later(router.on_stanza_received(bob_phone, original, t0 + 2s));
  CHECK(later.only_dropped(DropReason::duplicate));
}

TEST_CASE("an original seen first makes its carbons duplicates") {
  auto router = make_router();
  auto original = chat({bob, "desk"}, {alice, {}}, "m1");
  CHECK(Outcome(router.on_stanza_received(bob_desk, original, t0)).delivered.size() == 1);
  CHECK(Outcome(router.on_stanza_received(alice_phone, carbon(CarbonKind::received, original), t0))
            .only_dropped(DropReason::duplicate));
}

TEST_CASE("a sent carbon from a sibling is delivered once and not passed on") {
  auto router = make_router();
  auto sent_by_phone = chat({alice, "phone"}, {bob, {}}, "s1");
  Outcome out(router.on_stanza_received(alice_phone, carbon(CarbonKind::sent, sent_by_phone), t0));
  REQUIRE(out.delivered.size() == 1);
  CHECK(out.delivered[0]->carbon == CarbonKind::sent);
  CHECK(out.sent.empty());
  CHECK(
      Outcome(router.on_stanza_received(alice_tablet, carbon(CarbonKind::sent, sent_by_phone), t0))
          .only_dropped(DropReason::duplicate));
}

TEST_CASE("carbons are refused from other users and when malformed") {
  auto router = make_router();
  auto original = chat({bob, "desk"}, {alice, {}}, "m1");
  CHECK(Outcome(router.on_stanza_received(bob_desk, carbon(CarbonKind::received, original), t0))
            .only_dropped(DropReason::carbon_from_other_user));
  CHECK(Outcome(router.on_stanza_received(bob_desk, carbon(CarbonKind::sent, original), t0))
            .only_dropped(DropReason::carbon_from_other_user));

  // A sent carbon must wrap a message of our own user; a received one a message to it.
  CHECK(Outcome(router.on_stanza_received(alice_phone, carbon(CarbonKind::sent, original), t0))
            .only_dropped(DropReason::malformed_carbon));
  CHECK(Outcome(router.on_stanza_received(
                    alice_phone,
                    carbon(CarbonKind::received, chat({bob, "desk"}, {carol, {}}, "m2")), t0))
            .only_dropped(DropReason::malformed_carbon));
  // Nothing inside, a carbon inside, a message that opted out.
  StanzaEnvelope empty = carbon(CarbonKind::received, original);
  empty.forwarded = nullptr;
  CHECK(Outcome(router.on_stanza_received(alice_phone, empty, t0))
            .only_dropped(DropReason::malformed_carbon));
  auto nested = carbon(CarbonKind::received, carbon(CarbonKind::received, original));
  CHECK(Outcome(router.on_stanza_received(alice_phone, nested, t0))
            .only_dropped(DropReason::malformed_carbon));
  auto private_original = original;
  private_original.private_hint = true;
  CHECK(Outcome(router.on_stanza_received(alice_phone,
                                          carbon(CarbonKind::received, private_original), t0))
            .only_dropped(DropReason::malformed_carbon));

  // None of that marked the message as seen.
  CHECK(Outcome(router.on_stanza_received(bob_desk, original, t0)).delivered.size() == 1);
}

TEST_CASE("a local client cannot send carbons") {
  auto router = make_router();
  auto forged = carbon(CarbonKind::received, chat({bob, "desk"}, {alice, {}}, "m1"));
  CHECK(
      Outcome(router.on_local_send(forged, t0)).only_dropped(DropReason::carbon_from_local_client));
}

TEST_CASE("an iq goes to exactly one full JID and is never passed on") {
  auto router = make_router();
  Outcome to_device(router.on_local_send(stanza(StanzaKind::iq, {bob, "phone"}), t0));
  CHECK(to_device.sent == std::vector<std::pair<LinkId, Wrapping>>{{bob_phone, Wrapping::as_is}});

  CHECK(Outcome(router.on_local_send(stanza(StanzaKind::iq, {bob, {}}), t0))
            .only_dropped(DropReason::iq_needs_full_jid));
  CHECK(Outcome(router.on_local_send(stanza(StanzaKind::iq, {}), t0))
            .only_dropped(DropReason::iq_needs_full_jid));
  CHECK(Outcome(router.on_local_send(stanza(StanzaKind::iq, {bob, "fridge"}), t0))
            .only_dropped(DropReason::no_route));

  auto incoming = stanza(StanzaKind::iq, {alice, "laptop"});
  incoming.from = {bob, "desk"};
  Outcome mine(router.on_stanza_received(bob_desk, incoming, t0));
  CHECK(mine.delivered.size() == 1);
  CHECK(mine.sent.empty());
  incoming.to = {alice, "phone"};  // a sibling's: not relayed
  CHECK(Outcome(router.on_stanza_received(bob_desk, incoming, t0))
            .only_dropped(DropReason::not_addressed_here));
  incoming.is_error = true;
  incoming.to = {alice, "laptop"};
  CHECK(Outcome(router.on_stanza_received(bob_desk, incoming, t0)).delivered.size() == 1);
}

TEST_CASE("error messages are never passed on nor carbon-copied") {
  auto router = make_router();
  auto error = chat({}, {bob, "desk"}, "e1");
  error.is_error = true;
  Outcome out(router.on_local_send(error, t0));
  CHECK(out.sent == std::vector<std::pair<LinkId, Wrapping>>{{bob_desk, Wrapping::as_is}});

  auto incoming = chat({bob, "desk"}, {alice, {}}, "e2");
  incoming.is_error = true;
  Outcome received(router.on_stanza_received(bob_desk, incoming, t0));
  CHECK(received.delivered.size() == 1);
  CHECK(received.sent.empty());
  // A carbon wrapping an error is refused.
  CHECK(Outcome(router.on_stanza_received(alice_phone, carbon(CarbonKind::received, incoming), t0))
            .only_dropped(DropReason::malformed_carbon));
}

TEST_CASE("groupchat and headline go to the addressed device, with no carbons") {
  auto router = make_router();
  auto groupchat = chat({}, {bob, "desk"}, "g1");
  groupchat.message_type = MessageType::groupchat;
  CHECK(Outcome(router.on_local_send(groupchat, t0)).sent ==
        std::vector<std::pair<LinkId, Wrapping>>{{bob_desk, Wrapping::as_is}});
  groupchat.to = {bob, {}};
  CHECK(Outcome(router.on_local_send(groupchat, t0))
            .only_dropped(DropReason::groupchat_needs_full_jid));

  auto headline = chat({}, {bob, {}}, "h1");
  headline.message_type = MessageType::headline;
  Outcome to_user(router.on_local_send(headline, t0));
  CHECK(to_user.links(Wrapping::as_is) == std::set<LinkId>{bob_desk, bob_phone});
  CHECK(to_user.sent.size() == 2);

  auto incoming = chat({bob, "desk"}, {alice, {}}, "h2");
  incoming.message_type = MessageType::headline;
  Outcome received(router.on_stanza_received(bob_desk, incoming, t0));
  CHECK(received.delivered.size() == 1);
  CHECK(received.sent.empty());
  CHECK(Outcome(router.on_stanza_received(bob_phone, incoming, t0))
            .only_dropped(DropReason::duplicate));
  incoming.to = {alice, "tablet"};
  incoming.origin_id = "h3";
  CHECK(Outcome(router.on_stanza_received(bob_desk, incoming, t0))
            .only_dropped(DropReason::not_addressed_here));
}

TEST_CASE("presence: undirected to own devices, directed to the addressed ones, never passed on") {
  auto router = make_router();
  Outcome undirected(router.on_local_send(stanza(StanzaKind::presence, {}), t0));
  CHECK(undirected.links(Wrapping::as_is) == std::set<LinkId>{alice_phone, alice_tablet});
  CHECK(undirected.sent.size() == 2);

  Outcome to_user(router.on_local_send(stanza(StanzaKind::presence, {bob, {}}), t0));
  CHECK(to_user.links(Wrapping::as_is) == std::set<LinkId>{bob_desk, bob_phone});
  CHECK(to_user.sent.size() == 2);

  Outcome to_device(router.on_local_send(stanza(StanzaKind::presence, {carol, "pc"}), t0));
  CHECK(to_device.sent == std::vector<std::pair<LinkId, Wrapping>>{{carol_pc, Wrapping::as_is}});

  auto incoming = stanza(StanzaKind::presence, {alice, {}});
  incoming.from = {bob, "desk"};
  Outcome received(router.on_stanza_received(bob_desk, incoming, t0));
  CHECK(received.delivered.size() == 1);
  CHECK(received.sent.empty());
  // Presence has no origin-id and is not deduplicated: each one is news.
  CHECK(Outcome(router.on_stanza_received(bob_desk, incoming, t0)).delivered.size() == 1);
}

TEST_CASE("a stanza on an unknown or closed link is dropped; a closed link gets nothing") {
  auto router = make_router();
  CHECK(Outcome(router.on_stanza_received(99, chat({bob, "desk"}, {alice, {}}, "m1"), t0))
            .only_dropped(DropReason::unknown_link));
  router.on_link_down(bob_phone);
  router.on_link_down(alice_tablet);
  CHECK(Outcome(router.on_stanza_received(bob_phone, chat({bob, "phone"}, {alice, {}}, "m1"), t0))
            .only_dropped(DropReason::unknown_link));
  Outcome out(router.on_local_send(chat({}, {bob, {}}, "m2"), t0));
  CHECK(out.links(Wrapping::as_is) == std::set<LinkId>{bob_desk});
  CHECK(out.links(Wrapping::sent_carbon) == std::set<LinkId>{alice_phone});
}

TEST_CASE("without an origin-id copies cannot be told apart: delivered, not passed on") {
  auto router = make_router();
  Outcome out(
      router.on_stanza_received(bob_desk, chat({bob, "desk"}, {alice, {}}, std::nullopt), t0));
  CHECK(out.delivered.size() == 1);
  CHECK(out.sent.empty());
}

TEST_CASE("the seen-set bounds are real: a copy arriving after eviction or expiry is new") {
  auto router = make_router(StanzaRouterSettings{SeenSetSettings{2, 60s}});
  auto m1 = chat({bob, "desk"}, {alice, {}}, "m1");
  CHECK(Outcome(router.on_stanza_received(bob_desk, m1, t0)).delivered.size() == 1);
  CHECK(Outcome(router.on_stanza_received(bob_phone, m1, t0 + 59s)).delivered.empty());
  // Two more messages push m1 out of a seen-set of two.
  router.on_stanza_received(bob_desk, chat({bob, "desk"}, {alice, {}}, "m2"), t0 + 60s);
  router.on_stanza_received(bob_desk, chat({bob, "desk"}, {alice, {}}, "m3"), t0 + 60s);
  CHECK(Outcome(router.on_stanza_received(bob_phone, m1, t0 + 61s)).delivered.size() == 1);
  // m3 is forgotten 60 s after it was last seen (each copy refreshes it).
  auto m3 = chat({bob, "desk"}, {alice, {}}, "m3");
  CHECK(Outcome(router.on_stanza_received(bob_phone, m3, t0 + 119s)).delivered.empty());
  CHECK(Outcome(router.on_stanza_received(bob_phone, m3, t0 + 178s)).delivered.empty());
  CHECK(Outcome(router.on_stanza_received(bob_phone, m3, t0 + 238s)).delivered.size() == 1);
}

TEST_CASE("drop reasons have names") {
  CHECK(std::string(fanout::to_string(DropReason::duplicate)) == "duplicate");
  CHECK(std::string(fanout::to_string(DropReason::carbon_from_other_user)) ==
        "carbon from another user");
}
