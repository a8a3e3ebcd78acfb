#include "node/request_table.hpp"

#include <doctest/doctest.h>

#include "wire/ring.hpp"

#include "node_ids.hpp"

using namespace reload;
using namespace reload::node;
using reload::node::test::id_of;
using namespace std::chrono_literals;

namespace {

// A neighbor table of one successor, 0x50: a responder for a Resource-ID is close enough
// when it lies at or before 0x50 going clockwise from the target (Chord's closeness).
struct OneNeighbor final : ResponderRule {
  wire::NodeId neighbor = id_of(0x50);
  bool close_enough(const wire::ResourceId& target, const wire::NodeId& responder) const override {
    auto point = wire::ring::point_of(target, 16);
    return wire::ring::distance(point, responder) <= wire::ring::distance(point, neighbor);
  }
};

// Ids in sequence, so that a test can make them collide.
struct Counter {
  std::uint64_t next = 1;
  std::uint64_t operator()() { return next++; }
};

struct Outcome {
  int calls = 0;
  boost::system::error_code error;
  wire::NodeId sender;
};

ResponseHandler recorder(Outcome& o) {
  return [&o](boost::system::result<Response> r) {
    ++o.calls;
    if (r) o.sender = r->sender;
    else o.error = r.error();
  };
}

RequestTable::Request request_to(std::uint64_t id, wire::Destination target, Outcome& o, int transmissions = 0) {
  return {id, {1, 2, 3}, target, target, recorder(o), transmissions};
}

const OneNeighbor rule;
const TimePoint t0{};

}  // namespace

TEST_CASE("ids come from the injected source and are never reused while pending") {
  std::vector<std::uint64_t> draws{7, 7, 7, 9};
  std::size_t at = 0;
  RequestTable t({}, [&] { return draws[at++]; });
  Outcome o;
  CHECK(t.new_id() == 7);
  REQUIRE(t.start(request_to(7, id_of(1), o), t0));
  CHECK(t.new_id() == 9);  // 7 twice more, refused
  CHECK_FALSE(t.start(request_to(7, id_of(1), o), t0));
}

TEST_CASE("a request is sent five times, each after one overlay-reliability-timer, then fails") {
  RequestTable t(ReliabilitySettings{3000ms, 5}, Counter{});
  Outcome o;
  REQUIRE(t.start(request_to(t.new_id(), id_of(1), o), t0));
  RequestTable::Due due;
  CHECK(t.periodic(t0 + 2999ms, due) == t0 + 3s);
  CHECK(due.resend.empty());
  for (int retransmission = 1; retransmission <= 4; ++retransmission) {
    auto at = t0 + retransmission * 3s;
    CHECK(t.periodic(at, due) == at + 3s);
    REQUIRE(due.resend.size() == 1);
    CHECK(due.resend[0].encoded.size() == 3);
    CHECK(std::get<wire::NodeId>(due.resend[0].first) == id_of(1));
  }
  CHECK_FALSE(t.periodic(t0 + 15s, due).has_value());  // 15 s in all, not 93
  REQUIRE(due.failed.size() == 1);
  due.failed[0](boost::system::error_code(std::make_error_code(std::errc::timed_out)));
  CHECK(o.calls == 1);
  CHECK(t.pending() == 0);
}

TEST_CASE("an answer to a Node-ID counts only from that Node-ID") {
  RequestTable t({}, Counter{});
  Outcome o;
  auto id = t.new_id();
  t.start(request_to(id, id_of(0x30), o), t0);
  RequestTable::Verdict v;
  CHECK_FALSE(t.take_answer(id, id_of(0x31), false, rule, v));
  CHECK(v == RequestTable::Verdict::wrong_responder);
  CHECK(t.refused_answers() == 1);
  CHECK(t.contains(id));  // still waiting for the real answer
  auto done = t.take_answer(id, id_of(0x30), false, rule, v);
  CHECK(v == RequestTable::Verdict::accepted);
  REQUIRE(done);
  CHECK_FALSE(t.take_answer(id, id_of(0x30), false, rule, v));
  CHECK(v == RequestTable::Verdict::unknown);  // a duplicate
  CHECK_FALSE(t.take_answer(12345, id_of(0x30), false, rule, v));
  CHECK(v == RequestTable::Verdict::unknown);
}

TEST_CASE("an answer to the wildcard may come from anyone") {
  RequestTable t({}, Counter{});
  Outcome o;
  auto id = t.new_id();
  t.start(request_to(id, wire::NodeId::wildcard(16), o), t0);
  RequestTable::Verdict v;
  CHECK(t.take_answer(id, id_of(0x99), false, rule, v));
  CHECK(v == RequestTable::Verdict::accepted);
}

TEST_CASE("an answer to a Resource-ID counts from a peer at least as close as the neighbor table's") {
  RequestTable t({}, Counter{});
  Outcome o;
  std::array<std::uint8_t, 16> key{};
  key[0] = 0x40;
  auto id = t.new_id();
  t.start(request_to(id, wire::ResourceId(wire::Bytes(key)), o), t0);
  RequestTable::Verdict v;
  CHECK_FALSE(t.take_answer(id, id_of(0x60), false, rule, v));  // beyond our successor 0x50
  CHECK(v == RequestTable::Verdict::wrong_responder);
  CHECK_FALSE(t.take_answer(id, id_of(0x3f), false, rule, v));  // just before the key: farthest
  CHECK(t.take_answer(id, id_of(0x48), false, rule, v));        // between key and successor
  CHECK(v == RequestTable::Verdict::accepted);
}

TEST_CASE("a forwarding error is accepted from any peer on the path") {
  RequestTable t({}, Counter{});
  Outcome o;
  auto id = t.new_id();
  t.start(request_to(id, id_of(0x30), o), t0);
  RequestTable::Verdict v;
  CHECK(t.take_answer(id, id_of(0x77), true, rule, v));
  CHECK(v == RequestTable::Verdict::accepted);
}

TEST_CASE("a request limited to one transmission fails after the first wait, alone") {
  RequestTable t(ReliabilitySettings{3000ms, 5}, Counter{});
  Outcome a, b;
  t.start(request_to(t.new_id(), id_of(1), a, 1), t0);
  t.start(request_to(t.new_id(), id_of(2), b), t0);
  RequestTable::Due due;
  CHECK(t.periodic(t0 + 3s, due) == t0 + 6s);
  CHECK(due.failed.size() == 1);
  CHECK(due.resend.size() == 1);
  CHECK(std::get<wire::NodeId>(due.resend[0].first) == id_of(2));
}

TEST_CASE("a cap above the settings' leaves the settings' number of transmissions") {
  RequestTable t(ReliabilitySettings{1000ms, 2}, Counter{});
  Outcome o;
  t.start(request_to(t.new_id(), id_of(1), o, 50), t0);
  RequestTable::Due due;
  CHECK(t.periodic(t0 + 1s, due) == t0 + 2s);
  CHECK(due.resend.size() == 1);
  CHECK_FALSE(t.periodic(t0 + 2s, due).has_value());
  CHECK(due.failed.size() == 1);
}

TEST_CASE("cancel forgets one request; take_all hands back every completion") {
  RequestTable t({}, Counter{});
  Outcome a, b, c;
  auto first = t.new_id();
  t.start(request_to(first, id_of(1), a), t0);
  t.start(request_to(t.new_id(), id_of(2), b), t0 + 1s);
  t.start(request_to(t.new_id(), id_of(3), c), t0 + 2s);
  t.cancel(first);
  CHECK(t.next_deadline() == t0 + 4s);
  auto all = t.take_all();
  CHECK(all.size() == 2);
  CHECK(t.pending() == 0);
  CHECK_FALSE(t.next_deadline().has_value());
  for (auto& done : all) done(boost::system::error_code(std::make_error_code(std::errc::operation_canceled)));
  CHECK(a.calls == 0);
  CHECK(b.calls == 1);
  CHECK(c.calls == 1);
}
