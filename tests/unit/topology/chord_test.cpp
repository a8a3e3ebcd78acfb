#include "topology/chord.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <doctest/doctest.h>

#include "ring_harness.hpp"

using namespace reload::topology;
using reload::topology::test::RingHarness;
using reload::topology::test::random_ids;
using reload::wire::NodeId;
namespace ring = reload::wire::ring;
using namespace std::chrono_literals;
namespace wire = reload::wire;

namespace {

ChordSettings fast_settings() {
  ChordSettings s;
  s.update_interval = 10s;
  s.ping_interval = 10s;
  return s;
}

// Every node's successor and predecessor lists are the next and previous ids of the sorted
// ring, as far as the lists reach.
void check_neighbors_match_ring(RingHarness& h) {
  auto ids = h.ids();
  const std::size_t n = ids.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto& t = h.node(ids[i]).neighbors();
    std::size_t want = std::min<std::size_t>(3, n - 1);
    REQUIRE(t.successors().size() == want);
    REQUIRE(t.predecessors().size() == want);
    for (std::size_t k = 0; k < want; ++k) {
      CHECK(t.successors()[k] == ids[(i + 1 + k) % n]);
      CHECK(t.predecessors()[k] == ids[(i + n - 1 - k) % n]);
    }
  }
}

NodeId random_key(std::mt19937_64& rng) {
  std::array<std::uint8_t, 16> b;
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  return NodeId(reload::wire::Bytes(b.data(), b.size()));
}

// A Node-ID whose first byte is `top` and last byte `low`, zeros between.
NodeId at(std::uint8_t top, std::uint8_t low = 0) {
  std::array<std::uint8_t, 16> b{};
  b[0] = top;
  b[15] = low;
  return NodeId(reload::wire::Bytes(b.data(), b.size()));
}

}  // namespace

TEST_CASE("a lone peer is responsible for every key and routes nothing") {
  RingHarness h(fast_settings());
  auto id = random_ids(1, 3)[0];
  h.create(id);
  CHECK(h.node(id).state() == Chord::State::joined);
  CHECK(h.node(id).route(id).deliver_here);
  CHECK(h.node(id).responsible_for(ring::successor_point(id)));
}

TEST_CASE("two and three peers: each is the other's successor and predecessor") {
  RingHarness h(fast_settings());
  auto ids = random_ids(3, 4);
  h.create(ids[0]);
  h.join(ids[1], ids[0]);
  for (const auto& id : {ids[0], ids[1]}) {
    CHECK(h.node(id).state() == Chord::State::joined);
    CHECK(h.node(id).neighbors().successors().size() == 1);
  }
  h.join(ids[2], ids[1]);
  check_neighbors_match_ring(h);
  std::mt19937_64 rng(5);
  for (int k = 0; k < 100; ++k) {
    auto key = random_key(rng);
    for (const auto& from : h.ids()) CHECK(h.route(from, key) == h.expected_owner(key));
  }
}

TEST_CASE("a deterministic random ring of 1,000 peers") {
  RingHarness h(fast_settings(), 42);
  auto ids = random_ids(1000, 2026);
  h.create(ids[0]);
  std::mt19937_64 pick(9);
  for (std::size_t i = 1; i < ids.size(); ++i) {
    // Each joins through a random peer already in the ring.
    h.join(ids[i], ids[std::uniform_int_distribution<std::size_t>(0, i - 1)(pick)]);
    REQUIRE(h.node(ids[i]).state() == Chord::State::joined);
  }
  check_neighbors_match_ring(h);

  SUBCASE("fingers lie in their ranges and finger repair fills them") {
    for (int round = 0; round < 6; ++round) h.advance(10s);
    std::size_t filled = 0;
    for (const auto& id : h.ids()) {
      const auto& f = h.node(id).fingers();
      for (unsigned i = 1; i <= f.size(); ++i)
        if (f.at(i)) {
          CHECK(f.index_of(*f.at(i)) == i);
          ++filled;
        }
    }
    // log2(1000) ~ 10 ranges per peer can hold a peer at all.
    CHECK(filled >= 1000 * 7);
  }

  SUBCASE("every peer routes every key to its owner in at most log2(N)+1 hops") {
    for (int round = 0; round < 6; ++round) h.advance(10s);
    std::mt19937_64 rng(11);
    const double bound = std::log2(1000.0) + 1;
    double total = 0;
    int worst = 0, routes = 0;
    for (const auto& from : h.ids())
      for (int k = 0; k < 10; ++k) {
        auto key = random_key(rng);
        int hops = 0;
        REQUIRE(h.route(from, key, &hops) == h.expected_owner(key));
        total += hops;
        worst = std::max(worst, hops);
        ++routes;
      }
    MESSAGE("mean hops " << total / routes << ", worst " << worst);
    CHECK(worst <= bound);
  }

  SUBCASE("leaves and failures: the ring repairs itself") {
    std::mt19937_64 rng(13);
    auto live = h.ids();
    std::shuffle(live.begin(), live.end(), rng);
    for (std::size_t i = 0; i < 50; ++i) h.leave(live[i]);          // graceful
    for (std::size_t i = 50; i < 150; ++i) h.kill(live[i]);         // crash
    h.advance(10s);
    h.advance(10s);
    check_neighbors_match_ring(h);
    for (int k = 0; k < 200; ++k) {
      auto key = random_key(rng);
      auto from = h.ids()[static_cast<std::size_t>(rng() % h.ids().size())];
      CHECK(h.route(from, key) == h.expected_owner(key));
    }
  }
}

TEST_CASE("routing choice follows section 10.3") {
  auto self = *NodeId::from_hex("40000000000000000000000000000000");
  Chord c(self, ChordSettings{}, 1);
  c.create(TimePoint{});
  auto p = [](const char* h) { return *NodeId::from_hex(h); };
  for (auto peer : {p("30000000000000000000000000000000"), p("50000000000000000000000000000000"),
                    p("60000000000000000000000000000000"), p("90000000000000000000000000000000"),
                    p("c0000000000000000000000000000000")}) {
    c.on_attached(peer, AttachPurpose::neighbor, TimePoint{});
  }
  // Own range (predecessor 0x30.., self]: delivered here.
  CHECK(c.route(p("38000000000000000000000000000000")).deliver_here);
  // Between self and the successor: the successor is responsible.
  CHECK(c.route(p("48000000000000000000000000000000")).next_hop == p("50000000000000000000000000000000"));
  // Farther: the largest known Node-ID before the key.
  CHECK(c.route(p("a0000000000000000000000000000000")).next_hop == p("90000000000000000000000000000000"));
  CHECK(c.route(p("ff000000000000000000000000000000")).next_hop == p("c0000000000000000000000000000000"));
  // A linked peer whose Node-ID is the key gets the message directly.
  CHECK(c.route(p("90000000000000000000000000000000")).next_hop == p("90000000000000000000000000000000"));
}

TEST_CASE("periodic() asks to be woken for the next Update round and sends Updates") {
  ChordSettings s;
  s.update_interval = 100s;
  s.ping_interval = 1000s;
  auto ids = random_ids(2, 8);
  Chord c(ids[0], s, 1);
  TimePoint t0{};
  c.create(t0);
  c.on_attached(ids[1], AttachPurpose::neighbor, t0);
  (void)c.take_effects();
  auto next = c.periodic(t0);
  CHECK(next >= t0 + 75s);
  CHECK(next <= t0 + 125s);
  CHECK(c.take_effects().empty());
  c.periodic(next);
  auto effects = c.take_effects();
  REQUIRE(effects.size() == 1);
  CHECK(std::get<effect::SendUpdate>(effects[0]).to == ids[1]);
}

TEST_CASE("a Leave sends successors to predecessors and predecessors to successors") {
  RingHarness h(fast_settings());
  auto ids = random_ids(8, 21);
  h.create(ids[0]);
  for (std::size_t i = 1; i < ids.size(); ++i) h.join(ids[i], ids[0]);
  auto& c = h.node(ids[3]);
  c.leave(h.now);
  auto effects = c.take_effects();
  std::size_t from_succ = 0, from_pred = 0;
  for (auto& e : effects) {
    auto& l = std::get<effect::SendLeave>(e);
    if (l.data.type == reload::wire::ChordLeaveType::from_succ) {
      ++from_succ;
      CHECK(l.data.successors == c.neighbors().successors());
    } else {
      ++from_pred;
      CHECK(l.data.predecessors == c.neighbors().predecessors());
    }
  }
  CHECK(from_succ == 3);
  CHECK(from_pred == 3);
  CHECK(c.state() == Chord::State::left);
}

TEST_CASE("a linked ring member that is not the finger of its range still routes (section 10.7.4.2)") {
  // "A peer MAY choose to keep connections to multiple peers that can act for a given Finger
  // Table entry": a peer linked to us (because we are its finger, say) shortens routes too.
  auto self = *NodeId::from_hex("40000000000000000000000000000000");
  Chord c(self, ChordSettings{}, 1);
  c.create(TimePoint{});
  auto p = [](const char* h) { return *NodeId::from_hex(h); };
  for (auto peer : {"10", "20", "30", "50", "60", "70", "c0", "f0"})
    c.on_attached(p((std::string(peer) + std::string(30, '0')).c_str()), AttachPurpose::neighbor, TimePoint{});
  const auto f0 = p("f0000000000000000000000000000000");
  // Range 1 ([self + 2^127, self - 1]) holds 0xc0.. (the nearest to its start); 0xf0.. is
  // in no table of its own.
  REQUIRE(c.fingers().at(1) == p("c0000000000000000000000000000000"));
  const auto neighbors = c.neighbors().members();
  REQUIRE(std::find(neighbors.begin(), neighbors.end(), f0) == neighbors.end());
  CHECK(c.route(p("ff000000000000000000000000000000")).next_hop == f0);
  CHECK(c.route(p("e0000000000000000000000000000000")).next_hop == p("c0000000000000000000000000000000"));
}

TEST_CASE("however many peers an Update names, Attaches in flight stay bounded; the rest wait as spares") {
  Chord c(at(0x80, 0), fast_settings(), 1);
  TimePoint now{};
  c.create(now);
  const auto friend_peer = at(0x90, 0);
  c.on_attached(friend_peer, AttachPurpose::neighbor, now);
  c.take_effects();
  // A signed Update from a linked peer naming 200 peers right around us: all of them would
  // be nearer neighbors than 0x90.
  reload::wire::ChordUpdate u;
  u.type = reload::wire::ChordUpdateType::full;
  for (int i = 1; i <= 100; ++i) {
    u.successors.push_back(at(0x80, static_cast<std::uint8_t>(i)));
    u.predecessors.push_back(at(0x7f, static_cast<std::uint8_t>(i)));
  }
  c.on_update(friend_peer, u, now);
  auto attaches = [](const std::vector<Effect>& effects) {
    std::vector<NodeId> out;
    for (const auto& e : effects)
      if (const auto* a = std::get_if<effect::AttachToPeer>(&e)) out.push_back(a->peer);
    return out;
  };
  const auto first = attaches(c.take_effects());
  const std::size_t bound = 2 * (fast_settings().successors + fast_settings().predecessors);
  CHECK(first.size() == bound);
  // As Attaches complete, the waiting spares get their turn, never more than the bound at once.
  std::set<NodeId> in_flight(first.begin(), first.end()), asked = in_flight;
  for (int round = 0; round < 5 && !in_flight.empty(); ++round) {
    const auto done = *in_flight.begin();
    in_flight.erase(in_flight.begin());
    c.on_attach_failed(done, now);
    for (const auto& p : attaches(c.take_effects())) {
      in_flight.insert(p);
      asked.insert(p);
    }
    CHECK(in_flight.size() <= bound);
  }
  CHECK(asked.size() > bound);  // spares were not forgotten
}

TEST_CASE("section 10.5 steps 7-8: a peer joining over its bootstrap link, with no Attach first, gets the admitting peer's Update") {
  Chord ap(at(0x80), fast_settings(), 1);
  TimePoint now{};
  ap.create(now);
  ap.take_effects();
  const auto joiner = at(0x40);
  ap.on_attached(joiner, std::nullopt, now);  // the joiner's bootstrap link: not yet in the ring
  CHECK(ap.take_effects().empty());
  ap.on_join_request(joiner, now);
  bool update_to_joiner = false;
  for (const auto& e : ap.take_effects())
    if (const auto* u = std::get_if<effect::SendUpdate>(&e)) {
      update_to_joiner = update_to_joiner || u->to == joiner;
      CHECK(std::find(u->update.predecessors.begin(), u->update.predecessors.end(), joiner) !=
            u->update.predecessors.end());  // the joiner is labelled our predecessor
    }
  CHECK(update_to_joiner);
  CHECK(ap.neighbors().predecessors().front() == joiner);
}

namespace {

wire::ChordUpdate neighbors_update(std::vector<NodeId> predecessors, std::vector<NodeId> successors) {
  wire::ChordUpdate u;
  u.type = wire::ChordUpdateType::neighbors;
  u.predecessors = std::move(predecessors);
  u.successors = std::move(successors);
  return u;
}

// The joiner's side of section 10.5 up to the JoinAns: its Attach to self + 1 reaches the
// admitting peer `ap`, whose Update (send_update) names `ap_predecessor`, linked too.
Chord joined_but_not_admitted(const NodeId& self, const NodeId& ap, const NodeId& ap_predecessor, TimePoint now) {
  Chord jn(self, fast_settings(), 2);
  jn.join(now);
  jn.take_effects();
  jn.on_attached(ap, AttachPurpose::join, now);
  bool join_sent = false;
  for (const auto& e : jn.take_effects()) join_sent = join_sent || std::holds_alternative<effect::SendJoin>(e);
  REQUIRE(join_sent);
  jn.on_attached(ap_predecessor, AttachPurpose::neighbor, now);
  jn.on_update(ap, neighbors_update({ap_predecessor}, {}), now);
  jn.on_join_answer(ap, now);
  return jn;
}

std::vector<NodeId> updates_sent(Chord& c) {
  std::vector<NodeId> to;
  for (const auto& e : c.take_effects())
    if (const auto* u = std::get_if<effect::SendUpdate>(&e)) to.push_back(u->to);
  return to;
}

bool join_attach_sent(Chord& c) {
  for (const auto& e : c.take_effects())
    if (const auto* a = std::get_if<effect::AttachToKey>(&e); a && a->purpose == AttachPurpose::join) return true;
  return false;
}

}  // namespace

TEST_CASE("section 10.5 steps 7 and 9: a joiner serves its range and announces itself only once the admitting peer labels it predecessor") {
  TimePoint now{};
  const auto ap = at(0x80), p = at(0x20), self = at(0x40);
  Chord jn = joined_but_not_admitted(self, ap, p, now);
  CHECK(jn.state() == Chord::State::joined);
  CHECK_FALSE(jn.admitted());
  CHECK(updates_sent(jn).empty());  // nobody hears of it before the data came
  CHECK_FALSE(jn.responsible_for(at(0x30)));  // its future range is still the admitting peer's
  CHECK_FALSE(jn.responsible_for(at(0x90)));  // knowing only two peers, it would take most of the ring
  CHECK(jn.route(at(0x30)).next_hop.has_value());
  // An Update from another peer naming it does not count.
  jn.on_update(p, neighbors_update({}, {self}), now);
  CHECK_FALSE(jn.admitted());
  CHECK(updates_sent(jn).empty());
  // Step 7: the admitting peer's Update labels it predecessor; step 9 follows at once.
  jn.on_update(ap, neighbors_update({self, p}, {}), now);
  CHECK(jn.admitted());
  auto to = updates_sent(jn);
  CHECK(std::find(to.begin(), to.end(), ap) != to.end());
  CHECK(std::find(to.begin(), to.end(), p) != to.end());
  CHECK(jn.responsible_for(at(0x30)));
  CHECK_FALSE(jn.responsible_for(at(0x90)));
}

TEST_CASE("section 10.5: a joiner the admitting peer never labels joins once more, then takes its place") {
  TimePoint now{};
  const auto ap = at(0x80), p = at(0x20), self = at(0x40);
  Chord jn = joined_but_not_admitted(self, ap, p, now);
  CHECK(jn.periodic(now) <= now + Chord::admission_wait);  // it wants to be woken for the wait
  jn.periodic(now + Chord::admission_wait - 1ms);
  CHECK_FALSE(join_attach_sent(jn));
  // The first wait is over: a fresh Attach to self + 1, then a Join to whoever answers.
  now += Chord::admission_wait;
  jn.periodic(now);
  CHECK(join_attach_sent(jn));
  CHECK_FALSE(jn.admitted());
  jn.on_attached(ap, AttachPurpose::join, now);
  bool join_sent = false;
  for (const auto& e : jn.take_effects()) join_sent = join_sent || std::holds_alternative<effect::SendJoin>(e);
  CHECK(join_sent);
  jn.on_join_answer(ap, now);
  CHECK(updates_sent(jn).empty());
  // The second wait is over: it takes its place and announces itself.
  now += Chord::admission_wait;
  jn.periodic(now);
  CHECK(jn.admitted());
  auto to = updates_sent(jn);
  CHECK(std::find(to.begin(), to.end(), ap) != to.end());
  CHECK(jn.responsible_for(at(0x30)));
}

TEST_CASE("the peer that creates the overlay is admitted from the start") {
  Chord c(at(0x80), fast_settings(), 1);
  c.create({});
  CHECK(c.admitted());
  CHECK(c.responsible_for(at(0x10)));
}

TEST_CASE("section 6.6.5: a quiet link leaves the routing table at once and returns when acks resume") {
  Chord c(at(0x80), fast_settings(), 1);
  TimePoint now{};
  c.create(now);
  for (std::uint8_t p : {0x90, 0xa0, 0x70}) c.on_attached(at(p), AttachPurpose::neighbor, now);
  c.take_effects();
  REQUIRE(c.neighbors().successors().front() == at(0x90));
  REQUIRE(c.route(at(0x95)).next_hop == at(0x90));

  c.on_link_quiet(at(0x90), now);
  CHECK(c.neighbors().successors().front() == at(0xa0));
  CHECK(c.route(at(0x95)).next_hop != at(0x90));
  CHECK_FALSE(c.links().contains(at(0x90)));
  bool successors_changed = false;
  for (const auto& e : c.take_effects())
    successors_changed = successors_changed || std::holds_alternative<effect::SuccessorsChanged>(e);
  CHECK(successors_changed);  // storage re-replicates without waiting for the 30 s failure

  // Others still name the quiet peer in their Updates: it is neither re-admitted nor dialled.
  reload::wire::ChordUpdate u;
  u.type = reload::wire::ChordUpdateType::full;
  u.successors = {at(0x90), at(0xa0)};
  c.on_update(at(0xa0), u, now);
  for (const auto& e : c.take_effects())
    if (const auto* a = std::get_if<effect::AttachToPeer>(&e)) CHECK(a->peer != at(0x90));
  CHECK(c.neighbors().successors().front() == at(0xa0));

  c.on_link_resumed(at(0x90), now);
  CHECK(c.neighbors().successors().front() == at(0x90));
  CHECK(c.route(at(0x95)).next_hop == at(0x90));

  // Quiet, then failed for good: forgotten, and a later resume means nothing.
  c.on_link_quiet(at(0x90), now);
  c.on_detached(at(0x90), now);
  c.on_link_resumed(at(0x90), now);
  CHECK_FALSE(c.links().contains(at(0x90)));
  CHECK(c.neighbors().successors().front() == at(0xa0));
}

TEST_CASE("a quiet link that never joined the ring is not made a member when it resumes") {
  Chord c(at(0x80), fast_settings(), 1);
  TimePoint now{};
  c.create(now);
  c.on_attached(at(0x90), std::nullopt, now);  // a client's link
  c.on_link_quiet(at(0x90), now);
  c.on_link_resumed(at(0x90), now);
  CHECK(c.links().contains(at(0x90)));
  CHECK(c.neighbors().successors().empty());
}

TEST_CASE("a peer that names us its neighbor while it is not one of ours is told our neighbors") {
  TimePoint now{};
  Chord x(at(0x80), fast_settings(), 1);
  x.create(now);
  for (std::uint8_t p : {0x50, 0x60, 0x70, 0x90, 0xa0, 0xb0, 0x20}) {
    x.on_attached(at(p), AttachPurpose::neighbor, now);
    x.on_update(at(p), neighbors_update({}, {}), now);
  }
  x.take_effects();
  REQUIRE(x.neighbors().predecessors().size() == 3);
  REQUIRE(x.neighbors().successors().size() == 3);
  // 0x20 believes 0x80 follows it: 0x30 to 0x70 are missing from its view.
  x.on_update(at(0x20), neighbors_update({}, {at(0x80)}), now);
  const auto to = updates_sent(x);
  REQUIRE(to.size() == 1);
  CHECK(to.front() == at(0x20));
  // An Update that does not name us, or one from a neighbor, asks for nothing.
  x.on_update(at(0x20), neighbors_update({}, {at(0x30)}), now);
  CHECK(updates_sent(x).empty());
  x.on_update(at(0x90), neighbors_update({at(0x80)}, {at(0xa0)}), now);
  CHECK(updates_sent(x).empty());
}

TEST_CASE("route() picks what a walk of every linked ring member picks, and never a peer outside the ring") {
  // The member set is searched, not walked (a peer may hold thousands of links); the choice
  // must stay the one section 10.3 describes: the member closest before the key, else the
  // first after it.
  std::mt19937_64 rng(7);
  const NodeId self = random_key(rng);
  Chord c(self, ChordSettings{}, 1);
  c.create(TimePoint{});
  std::vector<NodeId> members;
  for (int i = 0; i < 600; ++i) {
    const NodeId peer = random_key(rng);
    if (i % 3 == 0) {
      c.on_attached(peer, std::nullopt, TimePoint{});  // attached to us: not a ring member
    } else {
      c.on_attached(peer, AttachPurpose::finger, TimePoint{});
      members.push_back(peer);
    }
  }
  auto walk = [&](const NodeId& key) {
    std::optional<NodeId> preceding, following;
    for (const auto& m : members) {
      if (ring::in_open(m, self, key)) {
        if (!preceding || ring::distance(self, *preceding) < ring::distance(self, m)) preceding = m;
      } else if (!following || ring::distance(key, m) < ring::distance(key, *following)) {
        following = m;
      }
    }
    return preceding ? *preceding : *following;
  };
  int compared = 0;
  for (int i = 0; i < 5000; ++i) {
    const NodeId key = random_key(rng);
    const auto r = c.route(key);
    if (r.deliver_here) continue;
    REQUIRE(r.next_hop);
    CHECK(*r.next_hop == walk(key));
    ++compared;
  }
  CHECK(compared > 4000);
  // Just past a member, and at a non-member link's own Node-ID (delivered to it directly).
  for (const auto& m : members) {
    const auto r = c.route(ring::successor_point(m));
    if (!r.deliver_here) CHECK(*r.next_hop == walk(ring::successor_point(m)));
  }
}

namespace {
std::vector<effect::AttachToKey> key_attaches(Chord& c) {
  std::vector<effect::AttachToKey> out;
  for (const auto& e : c.take_effects())
    if (const auto* a = std::get_if<effect::AttachToKey>(&e)) out.push_back(*a);
  return out;
}
}  // namespace

TEST_CASE("a peer far from its place in the ring attaches to self - 1 through the neighbor that showed it") {
  // 0x80 believes 0x20 precedes it. 0x20's Update names three successors between them that
  // 0x80 has never heard of: the ring around 0x80 is not where it thinks. reload-sim saw such
  // peers walk toward their place three peers per round of Attaches, for minutes.
  TimePoint now{};
  Chord x(at(0x80), fast_settings(), 1);
  x.create(now);
  for (std::uint8_t p : {0x10, 0x18, 0x20, 0xc0, 0xd0, 0xe0}) {
    x.on_attached(at(p), AttachPurpose::neighbor, now);
    x.on_update(at(p), neighbors_update({}, {}), now);
  }
  x.take_effects();
  REQUIRE(x.neighbors().predecessors().front() == at(0x20));

  x.on_update(at(0x20), neighbors_update({}, {at(0x30), at(0x40), at(0x50)}), now);
  auto sent = key_attaches(x);
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].key == ring::predecessor_point(at(0x80)));
  CHECK(sent[0].via == at(0x20));
  CHECK(sent[0].send_update);
  CHECK(sent[0].purpose == AttachPurpose::neighbor);

  // At most one such Attach per place_check_interval.
  x.on_update(at(0x20), neighbors_update({}, {at(0x30), at(0x40), at(0x50)}), now + 1s);
  CHECK(key_attaches(x).empty());
  x.on_update(at(0x20), neighbors_update({}, {at(0x30), at(0x40), at(0x50)}), now + Chord::place_check_interval);
  CHECK(key_attaches(x).size() == 1);

  // The mirror image: a successor whose predecessors all lie between us and it.
  const TimePoint later = now + 2 * Chord::place_check_interval;
  x.on_update(at(0xc0), neighbors_update({at(0xb0), at(0xa0), at(0x90)}, {}), later);
  sent = key_attaches(x);
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].via == at(0xc0));
}

TEST_CASE("a peer that joined between us and a neighbor, or a short list, is not taken for misplacement") {
  TimePoint now{};
  Chord x(at(0x80), fast_settings(), 1);
  x.create(now);
  for (std::uint8_t p : {0x50, 0x60, 0x70, 0x90, 0xa0, 0xb0, 0x40}) {
    x.on_attached(at(p), AttachPurpose::neighbor, now);
    x.on_update(at(p), neighbors_update({}, {}), now);
  }
  x.take_effects();
  // 0x50 knows a newcomer 0x78 between 0x70 and us: its other successors are ours.
  x.on_update(at(0x50), neighbors_update({}, {at(0x60), at(0x70), at(0x78)}), now);
  CHECK(key_attaches(x).empty());
  // Fewer successors than a full list say nothing about how far we are.
  x.on_update(at(0x70), neighbors_update({}, {at(0x74), at(0x78)}), now);
  CHECK(key_attaches(x).empty());
  // Not a neighbor of ours: its lists are about another part of the ring.
  x.on_attached(at(0x10), AttachPurpose::finger, now);
  x.take_effects();
  x.on_update(at(0x10), neighbors_update({}, {at(0x11), at(0x12), at(0x13)}), now);
  CHECK(key_attaches(x).empty());
}

TEST_CASE("past max_links, only peers the ring needs, or that we asked for, get a link") {
  TimePoint now{};
  ChordSettings s = fast_settings();
  s.max_links = 8;
  Chord x(at(0x80), s, 1);
  x.create(now);
  for (std::uint8_t p : {0x20, 0x30, 0x40, 0x50, 0x60, 0x70}) x.on_attached(at(p), AttachPurpose::finger, now);
  CHECK(x.accepts_link(at(0x48)));  // below the bound: anybody
  x.on_attached(at(0x10), std::nullopt, now);
  x.on_attached(at(0x18), std::nullopt, now);
  REQUIRE(x.links().size() == 8);
  // Successors 0x20, 0x30, 0x40 (round past zero; 0x10 and 0x18 attached to us and are not
  // ring members), predecessors 0x70, 0x60, 0x50: 0x90
  // would be our first successor, 0x48 is in neither list: a finger Attach from it is refused.
  CHECK(x.accepts_link(at(0x90)));
  CHECK_FALSE(x.accepts_link(at(0x48)));
  // A peer we are attaching to ourselves is taken.
  x.on_update(at(0x70), neighbors_update({}, {at(0x78)}), now);
  REQUIRE(x.attaching_to(at(0x78)));
  CHECK(x.accepts_link(at(0x78)));
}

TEST_CASE("a farther predecessor that goes is told to storage apart from a change of range") {
  Chord c(at(0x80), fast_settings(), 1);
  TimePoint now{};
  c.create(now);
  for (std::uint8_t p : {0x70, 0x60, 0x50, 0x90}) c.on_attached(at(p), AttachPurpose::neighbor, now);
  c.take_effects();
  REQUIRE(c.neighbors().predecessors() == std::vector<NodeId>{at(0x70), at(0x60), at(0x50)});
  auto told = [&] {
    std::pair<int, int> out{0, 0};  // PredecessorsChanged, ResponsibilityChanged
    for (const auto& e : c.take_effects()) {
      out.first += std::holds_alternative<effect::PredecessorsChanged>(e);
      out.second += std::holds_alternative<effect::ResponsibilityChanged>(e);
    }
    return out;
  };
  // The range (0x70, 0x80] stays; the data a replica here has of 0x60's range may now have
  // no owner holding it.
  c.on_detached(at(0x60), now);
  CHECK(told() == std::pair{1, 0});
  // The first predecessor goes: the range itself changes.
  c.on_detached(at(0x70), now);
  CHECK(told() == std::pair{0, 1});
}
