#include "xmpp/stanza_rendering.hpp"

#include <doctest/doctest.h>

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "xml_stream_test_support.hpp"
#include "xmpp/fanout_router.hpp"
#include "xmpp/stanza_envelope.hpp"
#include "xmpp/stanza_error.hpp"
#include "xmpp/xml_writer.hpp"

using namespace reload::xmpp;
using namespace std::chrono_literals;
using fanout::Wrapping;

namespace {

const TimePoint t0 = TimePoint{} + 1h;
const std::string alice = "alice@example.org";
const std::string bob = "bob@example.org";

std::vector<Element> parse_stanzas(std::string_view bytes) {
  auto r = test::parse(test::client_header() + std::string(bytes));
  REQUIRE_MESSAGE(!r.error, r.detail);
  return std::move(r.events.stanzas);
}

std::shared_ptr<const Element> parsed(std::string_view xml) {
  auto stanzas = parse_stanzas(xml);
  REQUIRE(stanzas.size() == 1);
  return std::make_shared<const Element>(std::move(stanzas.front()));
}

StanzaEnvelope envelope(std::string_view xml) {
  auto e = envelope_of(parsed(xml));
  REQUIRE_MESSAGE(e.has_value(), e.error().message());
  return std::move(*e);
}

std::shared_ptr<const StanzaEnvelope> shared(StanzaEnvelope e) {
  return std::make_shared<const StanzaEnvelope>(std::move(e));
}

std::string attr(const Element& e, std::string_view name) {
  return std::string(e.attribute(name).value_or("<absent>"));
}

// Bytes as a PeerStream writes a stanza into a jabber:client stream.
std::string wire_bytes(const Element& stanza) {
  std::string out;
  REQUIRE(!write_element(stanza, out, WriteContext{ns::client, true}));
  return out;
}

int count_children(const Element& e, std::string_view ns, std::string_view name) {
  int n = 0;
  for (const Element& c : e.child_elements())
    if (c.is(ns, name)) ++n;
  return n;
}

// What a XEP-0280 client checks before it believes a carbon (XEP-0280 sections 6, 7 and
// 11): a jabber:client message from the user's own bare JID, to this resource, holding
// exactly one <received/> or <sent/> with exactly one XEP-0297 <forwarded/> that holds
// exactly one jabber:client <message/>. Returns that inner message.
const Element& accept_carbon_as_client(const Element& carbon, std::string_view wrapper,
                                       const std::string& own_bare,
                                       const std::string& own_full) {
  REQUIRE(carbon.is(ns::client, "message"));
  CHECK(attr(carbon, "from") == own_bare);
  CHECK(attr(carbon, "to") == own_full);
  CHECK(count_children(carbon, ns::carbons, "received") +
            count_children(carbon, ns::carbons, "sent") ==
        1);
  const Element* w = carbon.child(ns::carbons, wrapper);
  REQUIRE(w);
  REQUIRE(count_children(*w, ns::forward, "forwarded") == 1);
  const Element* fwd = w->child(ns::forward, "forwarded");
  REQUIRE(count_children(*fwd, ns::client, "message") == 1);
  return *fwd->child(ns::client, "message");
}

}  // namespace

TEST_CASE("render_original stamps 'from' and 'to' as the router has them") {
  auto e = envelope("<message to='Bob@Example.org' from='mallory@evil.example/x' type='chat' "
                    "id='m1'><body>hi</body></message>");
  e.from = {alice, "laptop"};  // what on_local_send does
  auto out = render_original(e);
  REQUIRE(out.has_value());
  CHECK(attr(*out, "from") == "alice@example.org/laptop");
  CHECK(attr(*out, "to") == "bob@example.org");
  CHECK(attr(*out, "id") == "m1");
  CHECK(attr(*out, "type") == "chat");
  CHECK(out->child(ns::client, "body")->text() == "hi");
  // The payload itself is not touched: other copies render from it too.
  CHECK(attr(*stanza_element(e), "from") == "mallory@evil.example/x");
}

TEST_CASE("render_original adds the router's origin-id, once, on messages only") {
  SUBCASE("assigned by the router") {
    auto e = envelope("<message to='bob@example.org'><body>x</body></message>");
    e.origin_id = "gen-1";
    auto out = render_original(e);
    REQUIRE(out.has_value());
    REQUIRE(count_children(*out, ns::sid, "origin-id") == 1);
    CHECK(attr(*out->child(ns::sid, "origin-id"), "id") == "gen-1");
    // And it reads back the same.
    auto again = envelope_of(std::make_shared<const Element>(*out));
    REQUIRE(again.has_value());
    CHECK(again->origin_id == "gen-1");
  }
  SUBCASE("the client's own is kept, not doubled") {
    const auto e = envelope(
        "<message to='bob@example.org'><origin-id xmlns='urn:xmpp:sid:0' id='mine'/></message>");
    auto out = render_original(e);
    REQUIRE(out.has_value());
    CHECK(count_children(*out, ns::sid, "origin-id") == 1);
    CHECK(attr(*out->child(ns::sid, "origin-id"), "id") == "mine");
    CHECK(*out == *stanza_element(e));  // nothing else to change
  }
  SUBCASE("no origin-id on presence") {
    auto e = envelope("<presence/>");
    e.origin_id = "ignored";
    auto out = render_original(e);
    REQUIRE(out.has_value());
    CHECK_FALSE(out->child(ns::sid, "origin-id"));
  }
}

TEST_CASE("render_original needs the parsed stanza") {
  StanzaEnvelope e;
  auto out = render_original(e);
  REQUIRE_FALSE(out.has_value());
  CHECK(out.error() == render_errc::no_payload);
}

TEST_CASE("render_carbon builds the XEP-0280 wrapper") {
  auto original = envelope("<message to='bob@example.org' type='chat' id='m2'><body>yo</body>"
                           "<origin-id xmlns='urn:xmpp:sid:0' id='o2'/></message>");
  original.from = {alice, "laptop"};
  auto carbon = render_carbon(CarbonKind::sent, original, alice, {alice, "phone"});
  REQUIRE(carbon.has_value());
  CHECK(attr(*carbon, "type") == "chat");
  const Element& inner = accept_carbon_as_client(*carbon, "sent", alice, alice + "/phone");
  CHECK(attr(inner, "from") == "alice@example.org/laptop");
  CHECK(attr(inner, "to") == "bob@example.org");
  CHECK(attr(inner, "id") == "m2");
  CHECK(inner.child(ns::client, "body")->text() == "yo");

  // On the wire: namespaces declared where XEP-0280's examples declare them.
  const std::string bytes = wire_bytes(*carbon);
  CHECK(bytes.find("<message from='alice@example.org' to='alice@example.org/phone' "
                   "type='chat'><sent xmlns='urn:xmpp:carbons:2'><forwarded "
                   "xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' ") == 0);

  SUBCASE("an untyped original gives an untyped wrapper (both are 'normal')") {
    auto normal = envelope("<message to='bob@example.org'/>");
    auto c = render_carbon(CarbonKind::received, normal, alice, {alice, "phone"});
    REQUIRE(c.has_value());
    CHECK_FALSE(c->attribute("type"));
    CHECK(c->child(ns::carbons, "received"));
  }
  SUBCASE("none is no carbon") {
    auto c = render_carbon(CarbonKind::none, original, alice, {alice, "phone"});
    REQUIRE_FALSE(c.has_value());
    CHECK(c.error() == render_errc::not_a_carbon);
  }
}

TEST_CASE("render_send follows the wrapping, addressed to the link's device") {
  const StanzaAddress self{alice, "laptop"};
  auto message = envelope("<message to='bob@example.org' type='chat'><body>b</body></message>");
  message.from = self;
  message.origin_id = "g";
  const auto m = shared(message);
  const DeviceLink phone{1, alice, "phone", "n2", 20};
  const DeviceLink desk{10, bob, "desk", "n3", 10};

  auto as_is = render_send({10, Wrapping::as_is, m}, self, desk);
  REQUIRE(as_is.has_value());
  CHECK(attr(**as_is, "from") == "alice@example.org/laptop");
  CHECK_FALSE((*as_is)->child(ns::carbons, "sent"));
  CHECK(as_is->get() != stanza_element(*m).get());  // 'from' and the origin-id written

  auto sent = render_send({1, Wrapping::sent_carbon, m}, self, phone);
  REQUIRE(sent.has_value());
  accept_carbon_as_client(**sent, "sent", alice, alice + "/phone");

  auto received = render_send({1, Wrapping::received_carbon, m}, self, phone);
  REQUIRE(received.has_value());
  accept_carbon_as_client(**received, "received", alice, alice + "/phone");

  // As a device writes its client's stanza before routing it: sent as it is.
  const auto stamped = shared(envelope(
      "<message from='alice@example.org/laptop' to='bob@example.org' type='chat'><body>b</body>"
      "<origin-id xmlns='urn:xmpp:sid:0' id='g'/></message>"));
  auto shared_as_is = render_send({10, Wrapping::as_is, stamped}, self, desk);
  REQUIRE(shared_as_is.has_value());
  CHECK(shared_as_is->get() == stanza_element(*stamped).get());

  auto nothing = render_send({1, Wrapping::as_is, nullptr}, self, phone);
  REQUIRE_FALSE(nothing.has_value());
  CHECK(nothing.error() == render_errc::no_payload);
}

TEST_CASE("render_delivery gives the client the authenticated sender, and clean carbons") {
  const StanzaAddress self{alice, "laptop"};
  SUBCASE("an original that came without 'from'") {
    StanzaRouter router(self, [] { return std::string("g"); });
    router.on_link_up({10, bob, "desk", "n3", 10});
    auto effects = router.on_stanza_received(
        10, envelope("<message type='chat'><body>no from</body></message>"), t0);
    REQUIRE(effects.size() == 1);
    auto out = render_delivery(std::get<fanout::DeliverLocally>(effects.front()), self);
    REQUIRE(out.has_value());
    CHECK(attr(**out, "from") == "bob@example.org/desk");
    CHECK(attr(**out, "to") == "alice@example.org");
  }
  SUBCASE("a carbon whose outer addresses were left out by the sibling") {
    const auto carbon = envelope(
        "<message type='chat'><received xmlns='urn:xmpp:carbons:2'><forwarded "
        "xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='bob@example.org/desk' "
        "to='alice@example.org' type='chat'><body>c</body></message></forwarded></received>"
        "</message>");
    auto out = render_delivery({shared(carbon)}, self);
    REQUIRE(out.has_value());
    const Element& inner = accept_carbon_as_client(**out, "received", alice, alice + "/laptop");
    CHECK(attr(inner, "from") == "bob@example.org/desk");
  }
  SUBCASE("a carbon envelope with nothing inside") {
    StanzaEnvelope empty;
    empty.carbon = CarbonKind::sent;
    auto out = render_delivery({shared(empty)}, self);
    REQUIRE_FALSE(out.has_value());
    CHECK(out.error() == render_errc::not_a_carbon);
  }
}

TEST_CASE("render_delivery hands over the parsed stanza itself when it reads as rendered") {
  const StanzaAddress self{alice, "laptop"};
  // What the client gets for `e`, and whether it is `e`'s own element.
  struct Delivered {
    std::shared_ptr<const Element> element;
    bool shared;
  };
  const auto deliver = [&](const StanzaEnvelope& e) {
    auto out = render_delivery({shared(e)}, self);
    REQUIRE(out.has_value());
    return Delivered{*out, out->get() == stanza_element(e).get()};
  };
  SUBCASE("as the sending device rendered it: shared, not copied") {
    CHECK(deliver(envelope("<message from='bob@example.org/desk' to='alice@example.org/laptop' "
                           "type='chat'><body>hi</body>"
                           "<origin-id xmlns='urn:xmpp:sid:0' id='o1'/></message>"))
              .shared);
  }
  SUBCASE("a JID written unprepared is a copy with the prepared one") {
    const auto out = deliver(envelope(
        "<message from='Bob@Example.org/desk' to='alice@example.org/laptop'><body>hi</body>"
        "<origin-id xmlns='urn:xmpp:sid:0' id='o1'/></message>"));
    CHECK_FALSE(out.shared);
    CHECK(attr(*out.element, "from") == "bob@example.org/desk");
  }
  SUBCASE("an address one longer or shorter than the envelope's is not taken for it") {
    StanzaEnvelope e = envelope("<presence from='bob@example.org/desk' to='alice@example.org'/>");
    e.from.resource = "des";
    CHECK(attr(*deliver(e).element, "from") == "bob@example.org/des");
    e.from.resource.clear();
    CHECK(attr(*deliver(e).element, "from") == "bob@example.org");
    e.to.resource = "laptop";
    CHECK(attr(*deliver(e).element, "to") == "alice@example.org/laptop");
  }
  SUBCASE("a router's origin-id other than the stanza's is written") {
    StanzaEnvelope e = envelope(
        "<message from='bob@example.org/desk' to='alice@example.org'><body>hi</body>"
        "<origin-id xmlns='urn:xmpp:sid:0' id='o1'/></message>");
    e.origin_id = "o2";
    const auto out = deliver(e);
    CHECK_FALSE(out.shared);
    const Element* id = out.element->child(ns::sid, "origin-id");
    REQUIRE(id);
    CHECK(attr(*id, "id") == "o2");
  }
}

// ---- end to end, without a network --------------------------------------------------------
//
// Three devices of two users, each with its own StanzaRouter, fully linked. Every copy a
// router sends is rendered, written as a stream writes it, parsed by the receiving side's
// XmlStreamParser, turned into an envelope and handed to the receiving router; whatever that
// delivers is rendered for its client. Nothing is shared between devices but bytes.

namespace {

struct Device {
  StanzaAddress self;
  StanzaRouter router;
  std::map<LinkId, int> peer_of_link;
  std::vector<Element> delivered;  // what the local client got, rendered
};

struct Copy {
  int from_device;
  int to_device;
  std::string bytes;
};

class Mesh {
 public:
  Mesh() {
    add(alice, "laptop");
    add(alice, "phone");
    add(bob, "desk");
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        if (i != j) {
          const LinkId id = 100 + j;  // device i's link to device j
          devices_[i].peer_of_link[id] = j;
          devices_[i].router.on_link_up({id, devices_[j].self.bare, devices_[j].self.resource,
                                         "node-" + std::to_string(j), std::uint8_t(10 * (j + 1))});
        }
  }

  Device& device(int i) { return devices_[i]; }

  // The client of device `i` writes `xml` on its stream: parsed, routed, all copies carried.
  void client_sends(int i, std::string_view xml) {
    auto stanzas = parse_stanzas(xml);
    REQUIRE(stanzas.size() == 1);
    auto e = envelope_of(std::make_shared<const Element>(std::move(stanzas.front())));
    REQUIRE_MESSAGE(e.has_value(), e.error().message());
    apply(i, devices_[i].router.on_local_send(std::move(*e), t0));
    while (!in_flight_.empty()) {
      Copy copy = std::move(in_flight_.front());
      in_flight_.pop_front();
      arrive(copy);
    }
  }

  std::vector<Copy> wire_log;  // every copy that crossed a link, in order
  int drops = 0;

 private:
  void add(const std::string& user, const std::string& resource) {
    const std::string prefix = resource;
    int counter = 0;
    devices_.push_back(Device{{user, resource},
                              StanzaRouter({user, resource},
                                           [prefix, counter]() mutable {
                                             return prefix + "-" + std::to_string(++counter);
                                           }),
                              {},
                              {}});
  }

  void apply(int i, const std::vector<fanout::Effect>& effects) {
    Device& d = devices_[i];
    for (const auto& effect : effects) {
      if (const auto* send = std::get_if<fanout::SendTo>(&effect)) {
        const DeviceLink& link = d.router.links().at(send->link);
        auto rendered = render_send(*send, d.self, link);
        REQUIRE(rendered.has_value());
        Copy copy{i, d.peer_of_link.at(send->link), wire_bytes(**rendered)};
        wire_log.push_back(copy);
        in_flight_.push_back(std::move(copy));
      } else if (const auto* deliver = std::get_if<fanout::DeliverLocally>(&effect)) {
        auto rendered = render_delivery(*deliver, d.self);
        REQUIRE(rendered.has_value());
        d.delivered.push_back(**rendered);
      } else {
        ++drops;
      }
    }
  }

  void arrive(const Copy& copy) {
    auto stanzas = parse_stanzas(copy.bytes);
    REQUIRE(stanzas.size() == 1);
    auto e = envelope_of(std::make_shared<const Element>(std::move(stanzas.front())));
    REQUIRE_MESSAGE(e.has_value(), e.error().message());
    Device& receiver = devices_[copy.to_device];
    const LinkId back = 100 + copy.from_device;
    apply(copy.to_device, receiver.router.on_stanza_received(back, std::move(*e), t0));
  }

  std::vector<Device> devices_;
  std::deque<Copy> in_flight_;
};

constexpr int laptop = 0, phone = 1, desk = 2;

}  // namespace

TEST_CASE("end to end: a chat from alice's laptop to bob, and bob's answer") {
  Mesh mesh;

  // Alice's client writes the address unprepared and no origin-id; the router adds one.
  mesh.client_sends(laptop,
                    "<message to='Bob@Example.ORG' type='chat' id='c1'><body>Hello Bob</body>"
                    "</message>");
  // Bob's one device gets the original once; alice's phone gets a <sent/> carbon once.
  REQUIRE(mesh.device(desk).delivered.size() == 1);
  REQUIRE(mesh.device(phone).delivered.size() == 1);
  CHECK(mesh.device(laptop).delivered.empty());
  CHECK(mesh.wire_log.size() == 2);

  const Element& at_desk = mesh.device(desk).delivered.front();
  CHECK(at_desk.is(ns::client, "message"));
  CHECK(attr(at_desk, "from") == "alice@example.org/laptop");
  CHECK(attr(at_desk, "to") == "bob@example.org");
  CHECK(attr(at_desk, "id") == "c1");
  CHECK(at_desk.child(ns::client, "body")->text() == "Hello Bob");
  REQUIRE(at_desk.child(ns::sid, "origin-id"));
  const std::string origin = attr(*at_desk.child(ns::sid, "origin-id"), "id");
  CHECK(origin == "laptop-1");

  const Element& at_phone = mesh.device(phone).delivered.front();
  CHECK(attr(at_phone, "type") == "chat");
  const Element& sent = accept_carbon_as_client(at_phone, "sent", alice, alice + "/phone");
  CHECK(attr(sent, "from") == "alice@example.org/laptop");
  CHECK(attr(sent, "to") == "bob@example.org");
  CHECK(sent.child(ns::client, "body")->text() == "Hello Bob");
  CHECK(attr(*sent.child(ns::sid, "origin-id"), "id") == origin);

  // And the carbon's bytes on the laptop-phone link are XEP-0280's.
  bool carbon_on_wire = false;
  for (const Copy& c : mesh.wire_log)
    if (c.from_device == laptop && c.to_device == phone) {
      carbon_on_wire = true;
      CHECK(c.bytes.find("<message from='alice@example.org' to='alice@example.org/phone' "
                         "type='chat'><sent xmlns='urn:xmpp:carbons:2'><forwarded "
                         "xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client'") == 0);
    }
  CHECK(carbon_on_wire);

  // Bob answers alice's bare JID: originals to both of her devices, each passes a <received/>
  // carbon to the other, which is then a duplicate. Each device shows the message once.
  mesh.wire_log.clear();
  mesh.drops = 0;
  mesh.client_sends(desk, "<message to='alice@example.org' type='chat' id='r1'>"
                          "<body>Hi Alice</body></message>");
  REQUIRE(mesh.device(laptop).delivered.size() == 1);
  REQUIRE(mesh.device(phone).delivered.size() == 2);
  CHECK(mesh.device(desk).delivered.size() == 1);
  CHECK(mesh.wire_log.size() == 4);  // two originals, two carbons
  CHECK(mesh.drops == 2);            // the two carbons, as duplicates

  for (int i : {laptop, phone}) {
    const Element& got = mesh.device(i).delivered.back();
    CHECK(attr(got, "from") == "bob@example.org/desk");
    CHECK(got.child(ns::client, "body")->text() == "Hi Alice");
    CHECK_FALSE(got.child(ns::carbons, "received"));
  }
  int received_carbons = 0;
  for (const Copy& c : mesh.wire_log) {
    if (c.from_device == desk) continue;
    ++received_carbons;
    auto stanzas = parse_stanzas(c.bytes);
    REQUIRE(stanzas.size() == 1);
    const std::string to_device = c.to_device == laptop ? "/laptop" : "/phone";
    const Element& inner =
        accept_carbon_as_client(stanzas.front(), "received", alice, alice + to_device);
    CHECK(attr(inner, "from") == "bob@example.org/desk");
    CHECK(attr(inner, "to") == "alice@example.org");
  }
  CHECK(received_carbons == 2);
}

TEST_CASE("end to end: a private message makes no carbon, and a message between alice's "
          "devices reaches each once") {
  Mesh mesh;
  mesh.client_sends(laptop,
                    "<message to='bob@example.org' type='chat'><body>psst</body>"
                    "<private xmlns='urn:xmpp:carbons:2'/></message>");
  CHECK(mesh.device(desk).delivered.size() == 1);
  CHECK(mesh.device(phone).delivered.empty());
  CHECK(mesh.wire_log.size() == 1);
  // The hint travels with the message, as XEP-0280 no longer asks to strip it.
  CHECK(mesh.device(desk).delivered.front().child(ns::carbons, "private"));

  mesh.client_sends(phone, "<message type='chat'><body>note to self</body></message>");
  // No 'to': the user's own bare JID (RFC 6121 section 8.1.1.1); the laptop gets the
  // original once and passes no carbon to the phone that sent it.
  REQUIRE(mesh.device(laptop).delivered.size() == 1);
  CHECK(attr(mesh.device(laptop).delivered.front(), "to") == "alice@example.org");
  CHECK(attr(mesh.device(laptop).delivered.front(), "from") == "alice@example.org/phone");
  CHECK(mesh.device(phone).delivered.empty());
  CHECK(mesh.device(desk).delivered.size() == 1);
}

TEST_CASE("end to end: an iq to a full JID goes to that device alone") {
  Mesh mesh;
  mesh.client_sends(desk, "<iq to='alice@example.org/phone' type='get' id='v1'>"
                          "<query xmlns='jabber:iq:version'/></iq>");
  REQUIRE(mesh.device(phone).delivered.size() == 1);
  CHECK(mesh.device(laptop).delivered.empty());
  const Element& iq = mesh.device(phone).delivered.front();
  CHECK(iq.is(ns::client, "iq"));
  CHECK(attr(iq, "from") == "bob@example.org/desk");
  CHECK(iq.child("jabber:iq:version", "query"));
  CHECK_FALSE(iq.child(ns::sid, "origin-id"));
}
