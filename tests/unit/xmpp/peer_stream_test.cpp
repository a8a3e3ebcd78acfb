#include "xmpp/peer_stream.hpp"

#include <memory>

#include <boost/system/errc.hpp>
#include <doctest/doctest.h>

#include "xml_stream_test_support.hpp"
#include "xmpp/xml_writer.hpp"

using namespace reload::xmpp;
using namespace reload::xmpp::test;
using namespace std::chrono_literals;

namespace {

const StreamTime t0 = StreamTime{} + 1000h;

PeerStreamSettings settings(StreamRole role) {
  PeerStreamSettings s;
  s.role = role;
  s.own_jid = std::string(role == StreamRole::initiator ? romeo : juliet);
  s.peer_jid = std::string(role == StreamRole::initiator ? juliet : romeo);
  s.stream_id = "s1";
  return s;
}

const std::string initiator_header =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
    "xmlns:stream='http://etherx.jabber.org/streams' from='romeo@montague.example' "
    "to='juliet@capulet.example' version='1.0'>";
const std::string receiver_header =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
    "xmlns:stream='http://etherx.jabber.org/streams' from='juliet@capulet.example' "
    "to='romeo@montague.example' id='s1' version='1.0'>";
const std::string receiver_opening = receiver_header + "<stream:features/>";
// The initiator's header without its XML declaration, for inputs that bring their own prolog.
const std::string initiator_stream_tag = initiator_header.substr(initiator_header.find("<stream:"));

std::string drain(PeerStream& s) {
  std::string out(s.pending_output());
  s.consume_output(out.size());
  return out;
}

Element message(std::string body, std::string id = "m1") {
  Element m(std::string(ns::client), "message");
  m.set_attribute("to", std::string(juliet)).set_attribute("id", id);
  m.add_child(std::string(ns::client), "body").add_text(body);
  return m;
}

std::vector<Element> stanzas_of(const std::vector<StreamEvent>& events) {
  std::vector<Element> out;
  for (const auto& e : events)
    if (const auto* s = std::get_if<stream_event::Stanza>(&e)) out.push_back(s->stanza);
  return out;
}

int opened_count(const std::vector<StreamEvent>& events) {
  int n = 0;
  for (const auto& e : events) n += std::holds_alternative<stream_event::Opened>(e);
  return n;
}

std::optional<stream_event::Closed> closed_of(const std::vector<StreamEvent>& events) {
  std::optional<stream_event::Closed> c;
  for (const auto& e : events)
    if (const auto* x = std::get_if<stream_event::Closed>(&e)) {
      REQUIRE_FALSE(c.has_value());  // reported once
      c = *x;
    }
  if (c) REQUIRE(std::holds_alternative<stream_event::Closed>(events.back()));  // and last
  return c;
}

// An initiator and a receiver wired back to back.
struct Pair {
  PeerStream a{settings(StreamRole::initiator), t0};
  PeerStream b{settings(StreamRole::receiver), t0};
  std::vector<StreamEvent> a_events, b_events;

  void pump(StreamTime now = t0) {
    for (int round = 0; round < 20; ++round) {
      std::string from_a = drain(a), from_b = drain(b);
      if (from_a.empty() && from_b.empty()) break;
      if (!from_a.empty()) b.put(from_a, now);
      if (!from_b.empty()) a.put(from_b, now);
    }
    for (auto& e : a.take_events()) a_events.push_back(std::move(e));
    for (auto& e : b.take_events()) b_events.push_back(std::move(e));
  }
};

// What a receiver does with `input`: its output and its events.
struct Outcome {
  std::string output;
  std::vector<StreamEvent> events;
  PeerStream::State state;
};

Outcome receive(std::string_view input, std::size_t chunk = 0, PeerStreamSettings s = settings(StreamRole::receiver)) {
  PeerStream r(std::move(s), t0);
  if (chunk == 0) chunk = input.size() ? input.size() : 1;
  for (std::size_t at = 0; at < input.size(); at += chunk) r.put(input.substr(at, chunk), t0);
  return {drain(r), r.take_events(), r.state()};
}

void check_failed_with(const Outcome& o, stream_errc condition, const std::string& sent_before) {
  CHECK(o.output == sent_before + stream_error_and_close(condition));
  CHECK(o.state == PeerStream::State::closed);
  auto closed = closed_of(o.events);
  REQUIRE(closed.has_value());
  CHECK(closed->reason == CloseReason::local_error);
  CHECK(closed->error == condition);
  CHECK(stanzas_of(o.events).empty());
}

std::string header_with(const std::string& attrs) {
  return "<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' " +
         attrs + ">";
}

}  // namespace

TEST_CASE("the two ends open, exchange stanzas and close as RFC 6120 section 4.4 says") {
  Pair p;
  CHECK(p.a.state() == PeerStream::State::awaiting_header);
  CHECK(drain(p.a) == initiator_header);  // the initiator speaks first
  CHECK(p.b.pending_output().empty());    // the receiver waits

  p.b.put(initiator_header, t0);
  CHECK(drain(p.b) == receiver_opening);
  CHECK(p.b.state() == PeerStream::State::open);
  auto b_events = p.b.take_events();
  REQUIRE(b_events.size() == 1);
  CHECK(std::get<stream_event::Opened>(b_events[0]).peer_header.from == romeo);

  p.a.put(receiver_header, t0);
  CHECK(p.a.state() == PeerStream::State::awaiting_features);
  CHECK_FALSE(p.a.has_events());
  p.a.put("<stream:features/>", t0);
  CHECK(p.a.state() == PeerStream::State::open);
  auto a_events = p.a.take_events();
  REQUIRE(a_events.size() == 1);
  const auto& opened = std::get<stream_event::Opened>(a_events[0]);
  CHECK(opened.peer_header.from == juliet);
  CHECK(opened.peer_header.id == "s1");
  REQUIRE(p.a.peer_header().has_value());
  CHECK(p.a.peer_header()->id == "s1");

  // Stanzas both ways; in the stream they carry no namespace declaration.
  REQUIRE_FALSE(p.a.send_stanza(message("hi <3 & \xE2\x98\xBA"), t0));
  CHECK(p.a.pending_output() ==
        "<message to='juliet@capulet.example' id='m1'><body>hi &lt;3 &amp; \xE2\x98\xBA</body>"
        "</message>");
  Element reply = message("yes", "r1");
  reply.set_attribute("to", std::string(romeo));
  REQUIRE_FALSE(p.b.send_stanza(reply, t0));
  p.pump();
  CHECK(stanzas_of(p.b_events) == std::vector<Element>{message("hi <3 & \xE2\x98\xBA")});
  CHECK(stanzas_of(p.a_events) == std::vector<Element>{reply});

  // The initiator closes; the receiver answers; both report a clean close.
  p.a.close(t0);
  CHECK(p.a.state() == PeerStream::State::closing);
  CHECK(p.a.pending_output() == "</stream:stream>");
  p.b.put(drain(p.a), t0);
  CHECK(drain(p.b) == "</stream:stream>");
  CHECK(p.b.finished());
  auto b_closed = closed_of(p.b.take_events());
  REQUIRE(b_closed);
  CHECK(b_closed->reason == CloseReason::clean);
  CHECK_FALSE(b_closed->error);
  CHECK_FALSE(p.a.finished());
  p.a.put("</stream:stream>", t0);
  CHECK(p.a.finished());
  auto a_closed = closed_of(p.a.take_events());
  REQUIRE(a_closed);
  CHECK(a_closed->reason == CloseReason::clean);
  CHECK_FALSE(p.a.next_deadline().has_value());
  CHECK(p.a.periodic(t0 + 1h) == StreamTime::max());
}

TEST_CASE("the receiver may close first, too") {
  Pair p;
  p.pump();
  REQUIRE(p.a.state() == PeerStream::State::open);
  p.b.close(t0);
  p.pump();
  CHECK(p.a.finished());
  CHECK(p.b.finished());
  CHECK(closed_of(p.a_events)->reason == CloseReason::clean);
  CHECK(closed_of(p.b_events)->reason == CloseReason::clean);
  p.a.close(t0);  // closing a closed stream does nothing
  CHECK(p.a.pending_output().empty());
}

TEST_CASE("stanzas that arrive after our closing tag, before the peer's, are still reported") {
  Pair p;
  p.pump();
  p.a.close(t0);
  REQUIRE_FALSE(p.b.send_stanza(message("last words"), t0));
  p.a.put(drain(p.b), t0);  // b's stanza crosses a's closing tag
  CHECK(stanzas_of(p.a.take_events()).size() == 1);
  CHECK(p.a.send_stanza(message("too late"), t0) == boost::system::errc::not_connected);
  p.pump();
  CHECK(closed_of(p.a_events)->reason == CloseReason::clean);
}

TEST_CASE("fed at every byte boundary, a receiver reports the same events and output") {
  const std::string input = initiator_header + "<message id='1'><body>caf\xC3\xA9</body></message>" +
                            "  <presence/> <iq type='get' id='2'><ping xmlns='urn:xmpp:ping'/></iq>" +
                            "</stream:stream>";
  const auto whole = receive(input);
  REQUIRE(stanzas_of(whole.events).size() == 3);
  CHECK(whole.output == receiver_opening + "</stream:stream>");
  CHECK(closed_of(whole.events)->reason == CloseReason::clean);
  for (std::size_t cut = 1; cut < input.size(); ++cut) {
    CAPTURE(cut);
    PeerStream r(settings(StreamRole::receiver), t0);
    r.put(std::string_view(input).substr(0, cut), t0);
    r.put(std::string_view(input).substr(cut), t0);
    auto events = r.take_events();
    CHECK(stanzas_of(events) == stanzas_of(whole.events));
    CHECK(opened_count(events) == 1);
    CHECK(drain(r) == whole.output);
    REQUIRE(closed_of(events).has_value());
  }
  const auto bytewise = receive(input, 1);
  CHECK(stanzas_of(bytewise.events) == stanzas_of(whole.events));
  CHECK(bytewise.output == whole.output);
}

TEST_CASE("header errors: the receiver sends its header, the error, and closes") {
  struct Case {
    const char* name;
    std::string input;
    stream_errc condition;
  };
  const std::string client = "xmlns='jabber:client' ";
  const Case cases[] = {
      {"wrong from", header_with(client + "from='mallory@evil.example' version='1.0'"),
       stream_errc::invalid_from},
      {"from of another domain, same local part",
       header_with(client + "from='romeo@montague.example.evil' version='1.0'"),
       stream_errc::invalid_from},
      {"no from", header_with(client + "to='juliet@capulet.example' version='1.0'"),
       stream_errc::invalid_from},
      {"wrong content namespace",
       header_with("xmlns='jabber:server' from='romeo@montague.example' version='1.0'"),
       stream_errc::invalid_namespace},
      {"no content namespace", header_with("from='romeo@montague.example' version='1.0'"),
       stream_errc::invalid_namespace},
      {"wrong stream namespace",
       "<stream:stream xmlns='jabber:client' xmlns:stream='urn:not-streams' "
       "from='romeo@montague.example' version='1.0'>",
       stream_errc::invalid_namespace},
      {"version 0.9", header_with(client + "from='romeo@montague.example' version='0.9'"),
       stream_errc::unsupported_version},
      {"no version", header_with(client + "from='romeo@montague.example'"),
       stream_errc::unsupported_version},
      {"to someone else",
       header_with(client + "from='romeo@montague.example' to='nurse@capulet.example' "
                            "version='1.0'"),
       stream_errc::host_unknown},
      {"DOCTYPE", "<?xml version='1.0'?><!DOCTYPE stream>" + initiator_stream_tag,
       stream_errc::restricted_xml},
      {"billion laughs",
       "<?xml version='1.0'?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
       "\"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><stream:stream>&b;",
       stream_errc::restricted_xml},
      {"comment before the header", "<!-- hello -->" + initiator_stream_tag,
       stream_errc::restricted_xml},
      {"processing instruction", "<?php echo 1; ?>" + initiator_stream_tag,
       stream_errc::restricted_xml},
      {"not XML", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", stream_errc::not_well_formed},
      {"Latin-1 declared", "<?xml version='1.0' encoding='ISO-8859-1'?>" + initiator_stream_tag,
       stream_errc::unsupported_encoding},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    check_failed_with(receive(c.input), c.condition, receiver_header);
    check_failed_with(receive(c.input, 1), c.condition, receiver_header);
  }
  // The resource of a full JID in 'from' is not part of the comparison.
  auto full = receive(header_with(client + "from='romeo@montague.example/orchard' version='1.1'"));
  CHECK(full.output == receiver_opening);
  CHECK(opened_count(full.events) == 1);
}

TEST_CASE("errors in an open stream: the error and the closing tag follow the opening") {
  struct Case {
    const char* name;
    std::string input;
    stream_errc condition;
  };
  std::string deep = "<message>";
  for (int i = 0; i < 40; ++i) deep += "<a>";
  const Case cases[] = {
      {"over-size stanza",
       "<message><body>" + std::string(70 * 1024, 'x') + "</body></message>",
       stream_errc::policy_violation},
      {"over-deep stanza", deep, stream_errc::policy_violation},
      {"comment", "<presence/><!-- c -->", stream_errc::restricted_xml},
      {"processing instruction", "<message><?x y?></message>", stream_errc::restricted_xml},
      {"entity reference", "<message>&lol9;</message>", stream_errc::restricted_xml},
      {"DOCTYPE inside the stream", "<!DOCTYPE x>", stream_errc::not_well_formed},
      {"mismatched tags", "<message></presence>", stream_errc::not_well_formed},
      {"unbound prefix", "<db:result/>", stream_errc::bad_namespace_prefix},
      {"text between stanzas", "hello", stream_errc::bad_format},
      {"unknown first-level element", "<foo xmlns='urn:example'/>",
       stream_errc::unsupported_stanza_type},
      {"stanza in another namespace", "<message xmlns='jabber:server'/>",
       stream_errc::unsupported_stanza_type},
      {"features sent to the receiver", "<stream:features/>",
       stream_errc::unsupported_stanza_type},
      {"starttls", "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
       stream_errc::unsupported_stanza_type},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const std::string input = initiator_header + "<presence/>" + c.input + "<presence/>";
    for (std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{13}}) {
      CAPTURE(chunk);
      auto o = receive(input, chunk);
      CHECK(o.output == receiver_opening + stream_error_and_close(c.condition));
      CHECK(o.state == PeerStream::State::closed);
      auto closed = closed_of(o.events);
      REQUIRE(closed.has_value());
      CHECK(closed->reason == CloseReason::local_error);
      CHECK(closed->error == c.condition);
      CHECK_FALSE(closed->detail.empty());
      // The stanza before the error arrived; nothing after it did.
      CHECK(stanzas_of(o.events).size() == 1 + (c.input.rfind("<presence/>", 0) == 0));
    }
  }
}

TEST_CASE("the initiator checks the receiver's header and waits for its features") {
  SUBCASE("wrong from") {
    PeerStream a(settings(StreamRole::initiator), t0);
    drain(a);
    a.put(header_with("xmlns='jabber:client' from='nurse@capulet.example' version='1.0'"), t0);
    CHECK(drain(a) == stream_error_and_close(stream_errc::invalid_from));
    CHECK(closed_of(a.take_events())->error == stream_errc::invalid_from);
    CHECK(a.finished());
  }
  SUBCASE("a stanza before the features") {
    PeerStream a(settings(StreamRole::initiator), t0);
    drain(a);
    a.put(receiver_header + "<message/>", t0);
    CHECK(drain(a) == stream_error_and_close(stream_errc::not_authorized));
    auto events = a.take_events();
    CHECK(opened_count(events) == 0);
    CHECK(closed_of(events)->error == stream_errc::not_authorized);
  }
  SUBCASE("features that offer something are not negotiated") {
    PeerStream a(settings(StreamRole::initiator), t0);
    drain(a);
    a.put(receiver_header +
              "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
              "</stream:features>",
          t0);
    CHECK(a.state() == PeerStream::State::open);
    CHECK(a.pending_output().empty());
  }
}

TEST_CASE("no header in time: <connection-timeout/>") {
  SUBCASE("receiver: its header goes out before the error") {
    PeerStream r(settings(StreamRole::receiver), t0);
    CHECK(r.next_deadline() == t0 + 30s);
    r.on_timer(t0 + 29s);
    CHECK(r.pending_output().empty());
    r.put("<?xml version='1.0'?>", t0 + 29s);  // a partial header does not count
    CHECK(r.periodic(t0 + 29s + 999ms) == t0 + 30s);
    CHECK(r.periodic(t0 + 30s) == StreamTime::max());
    CHECK(drain(r) == receiver_header + stream_error_and_close(stream_errc::connection_timeout));
    auto closed = closed_of(r.take_events());
    CHECK(closed->reason == CloseReason::local_error);
    CHECK(closed->error == stream_errc::connection_timeout);
    CHECK(r.finished());
  }
  SUBCASE("initiator: header received, features not") {
    PeerStreamSettings s = settings(StreamRole::initiator);
    s.open_timeout = 5s;
    PeerStream a(s, t0);
    CHECK(drain(a) == initiator_header);
    a.put(receiver_header, t0 + 1s);
    CHECK(a.next_deadline() == t0 + 5s);
    a.on_timer(t0 + 5s);
    CHECK(drain(a) == stream_error_and_close(stream_errc::connection_timeout));
    CHECK(closed_of(a.take_events())->error == stream_errc::connection_timeout);
  }
}

TEST_CASE("a peer that does not answer our closing tag is given up after close_timeout") {
  Pair p;
  p.pump();
  p.a.close(t0 + 1s);
  CHECK(p.a.next_deadline() == t0 + 11s);
  p.a.on_timer(t0 + 10s);
  CHECK(p.a.state() == PeerStream::State::closing);
  p.a.on_timer(t0 + 11s);
  CHECK(p.a.state() == PeerStream::State::closed);
  auto closed = closed_of(p.a.take_events());
  CHECK(closed->reason == CloseReason::close_timeout);
  CHECK_FALSE(closed->error);
}

TEST_CASE("a stream error from the peer closes the stream") {
  Pair p;
  p.pump();
  p.b.put("<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
          "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>replaced</text></stream:error>"
          "<message/>",
          t0);
  CHECK(drain(p.b) == "</stream:stream>");
  auto events = p.b.take_events();
  CHECK(stanzas_of(events).empty());
  auto closed = closed_of(events);
  CHECK(closed->reason == CloseReason::peer_error);
  CHECK(closed->error == stream_errc::conflict);
  CHECK(closed->detail == "replaced");
}

TEST_CASE("an error that ends our stream goes out as a stream error, once") {
  Pair p;
  p.pump();
  p.a.close_with_error(stream_errc::system_shutdown, t0, "bye");
  CHECK(drain(p.a) == stream_error_and_close(stream_errc::system_shutdown));
  p.a.close_with_error(stream_errc::conflict, t0);
  CHECK(p.a.pending_output().empty());
  auto events = p.a.take_events();
  CHECK(closed_of(events)->error == stream_errc::system_shutdown);
  CHECK(closed_of(events)->detail == "bye");
  // The receiver learns why.
  p.b.put(stream_error_and_close(stream_errc::system_shutdown), t0);
  CHECK(closed_of(p.b.take_events())->error == stream_errc::system_shutdown);

  // After our closing tag an error cannot be sent any more: it is only reported.
  Pair q;
  q.pump();
  q.a.close(t0);
  drain(q.a);
  q.a.put("<presence/><!-- late -->", t0);
  CHECK(q.a.pending_output().empty());
  auto closed = closed_of(q.a.take_events());
  CHECK(closed->reason == CloseReason::local_error);
  CHECK(closed->error == stream_errc::restricted_xml);
}

TEST_CASE("whitespace keepalives go out when nothing else did") {
  Pair p;
  p.pump();
  CHECK(p.a.next_deadline() == t0 + 60s);
  p.a.on_timer(t0 + 59s);
  CHECK(p.a.pending_output().empty());
  p.a.on_timer(t0 + 60s);
  CHECK(p.a.pending_output() == " ");
  p.b.put(drain(p.a), t0 + 60s);  // the receiver takes it as nothing
  CHECK_FALSE(p.b.has_events());
  CHECK(p.b.pending_output().empty());
  CHECK(p.a.next_deadline() == t0 + 120s);
  REQUIRE_FALSE(p.a.send_stanza(message("x"), t0 + 100s));
  CHECK(p.a.next_deadline() == t0 + 160s);
  // Output still waiting to be written: no space piles up behind it.
  p.a.on_timer(t0 + 160s);
  CHECK(p.a.pending_output() == "<message to='juliet@capulet.example' id='m1'><body>x</body></message>");
  CHECK(p.a.next_deadline() == t0 + 220s);

  PeerStreamSettings quiet = settings(StreamRole::receiver);
  quiet.keepalive_interval = 0s;
  PeerStream r(quiet, t0);
  r.put(initiator_header, t0);
  CHECK_FALSE(r.next_deadline().has_value());
}

TEST_CASE("idle timeout: nothing received for too long") {
  PeerStreamSettings s = settings(StreamRole::receiver);
  s.keepalive_interval = 0s;
  s.idle_timeout = 90s;
  PeerStream r(s, t0);
  r.put(initiator_header, t0);
  drain(r);
  CHECK(r.next_deadline() == t0 + 90s);
  r.put(" ", t0 + 80s);  // a keepalive counts as life
  CHECK(r.next_deadline() == t0 + 170s);
  r.on_timer(t0 + 170s);
  CHECK(drain(r) == stream_error_and_close(stream_errc::connection_timeout));
  CHECK(closed_of(r.take_events())->error == stream_errc::connection_timeout);
}

TEST_CASE("the transport going away closes the stream") {
  Pair p;
  p.pump();
  p.a.on_transport_closed(t0);
  auto closed = closed_of(p.a.take_events());
  CHECK(closed->reason == CloseReason::transport_closed);
  p.a.put("<presence/>", t0);
  p.a.on_transport_closed(t0);
  CHECK_FALSE(p.a.has_events());
  CHECK(p.a.finished());
}

TEST_CASE("send_stanza refuses rather than queue what it must not") {
  PeerStream a(settings(StreamRole::initiator), t0);
  CHECK(a.send_stanza(message("early"), t0) == boost::system::errc::not_connected);

  PeerStreamSettings s = settings(StreamRole::receiver);
  s.limits.max_stanza_bytes = 400;
  s.max_pending_output = 300;
  PeerStream r(s, t0);
  r.put(initiator_header, t0);
  drain(r);
  CHECK(r.send_stanza(message(std::string(500, 'x')), t0) == boost::system::errc::message_size);
  CHECK(r.pending_output().empty());
  CHECK(r.send_stanza(message("\x1B"), t0) == xml_errc::forbidden_character);
  CHECK(r.pending_output().empty());
  REQUIRE_FALSE(r.send_stanza(message(std::string(100, 'x')), t0));
  REQUIRE_FALSE(r.send_stanza(message(std::string(100, 'x')), t0));
  CHECK(r.send_stanza(message("one too many"), t0) == boost::system::errc::no_buffer_space);
  r.consume_output(r.pending_output().size());
  CHECK_FALSE(r.send_stanza(message("room again"), t0));
  r.close(t0);
  CHECK(r.send_stanza(message("closed"), t0) == boost::system::errc::not_connected);
}

TEST_CASE("one stream's error does not touch another stream") {
  PeerStream good(settings(StreamRole::receiver), t0);
  PeerStream bad(settings(StreamRole::receiver), t0);
  const std::string laughs =
      "<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\">]><stream:stream>&a;";
  // Interleaved, byte by byte, as two connections of one node would be.
  const std::string good_input = initiator_header + "<message><body>one</body></message>" +
                                 "<message><body>two</body></message>";
  const std::string bad_input = initiator_header + "<message><body>x</body><!-- c -->";
  for (std::size_t i = 0; i < std::max(good_input.size(), bad_input.size()); ++i) {
    if (i < good_input.size()) good.put(good_input.substr(i, 1), t0);
    if (i < bad_input.size()) bad.put(bad_input.substr(i, 1), t0);
  }
  PeerStream worse(settings(StreamRole::receiver), t0);
  worse.put(laughs, t0);

  CHECK(bad.state() == PeerStream::State::closed);
  CHECK(worse.state() == PeerStream::State::closed);
  CHECK(drain(bad) == receiver_opening + stream_error_and_close(stream_errc::restricted_xml));
  CHECK(good.state() == PeerStream::State::open);
  CHECK(drain(good) == receiver_opening);
  auto events = good.take_events();
  CHECK(stanzas_of(events).size() == 2);
  CHECK_FALSE(closed_of(events).has_value());
  good.put("<presence/></stream:stream>", t0);
  events = good.take_events();
  CHECK(stanzas_of(events).size() == 1);
  CHECK(closed_of(events)->reason == CloseReason::clean);
}

TEST_CASE("close reasons have names") {
  CHECK(close_reason_name(CloseReason::clean) == "clean");
  CHECK(close_reason_name(CloseReason::local_error) == "local-error");
  CHECK(close_reason_name(CloseReason::peer_error) == "peer-error");
  CHECK(close_reason_name(CloseReason::close_timeout) == "close-timeout");
  CHECK(close_reason_name(CloseReason::transport_closed) == "transport-closed");
}
