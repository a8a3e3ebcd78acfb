// Section 6.5.1.2's cases, the links awaited after an answer, and the bounds on what
// Attaches from peers make the node spend.
#include "node/attach_states.hpp"

#include <doctest/doctest.h>

#include "node_ids.hpp"

using namespace reload;
using namespace reload::node;
using reload::node::test::id_of;
using namespace std::chrono_literals;
using Verdict = AttachStates::Verdict;
using topology::AttachPurpose;

namespace {

const auto self = id_of(0x80);
const auto smaller = id_of(0x40);
const auto larger = id_of(0xc0);
const AttachStates::TimePoint t0{};

}  // namespace

TEST_CASE("an Attach from a peer we are not attaching to is answered") {
  AttachStates a(self, {});
  auto in = a.on_request(larger, false, t0);
  CHECK(in.verdict == Verdict::answer);
  CHECK_FALSE(in.cancel);
  CHECK_FALSE(a.awaiting(larger));  // nothing is wanted of that link
}

TEST_CASE("simultaneous Attach, our Node-ID smaller: cancel ours and answer theirs") {
  AttachStates a(self, {});
  a.sent(larger, 77, {AttachPurpose::neighbor, false});
  auto in = a.on_request(larger, false, t0);
  CHECK(in.verdict == Verdict::answer);
  REQUIRE(in.cancel);
  CHECK(*in.cancel == 77);
  CHECK_FALSE(a.attaching(larger));
  // The link we answer for is the one Chord asked for: its purpose is kept.
  auto why = a.link_up(larger);
  CHECK(why.purpose == AttachPurpose::neighbor);
}

TEST_CASE("simultaneous Attach, our Node-ID larger: Error_In_Progress, ours goes on") {
  AttachStates a(self, {});
  a.sent(smaller, 78, {AttachPurpose::finger, false});
  auto in = a.on_request(smaller, false, t0);
  CHECK(in.verdict == Verdict::in_progress);
  CHECK_FALSE(in.cancel);
  CHECK(a.attaching(smaller));
  // Its Error_In_Progress to our Attach would not come (we are larger), its answer does:
  a.ended(smaller, 78, AttachStates::Outcome::answered, t0);
  CHECK(a.awaiting(smaller));
  CHECK(a.link_up(smaller).purpose == AttachPurpose::finger);
}

TEST_CASE("ours answered, its link on the way: Error_In_Progress") {
  AttachStates a(self, {});
  a.sent(larger, 79, {AttachPurpose::neighbor, false});
  a.ended(larger, 79, AttachStates::Outcome::answered, t0);
  CHECK(a.on_request(larger, false, t0 + 1s).verdict == Verdict::in_progress);
}

TEST_CASE("ours refused with Error_In_Progress: the peer's own Attach is answered, not refused too") {
  // Both sent at once and the peer (larger) kept its own: its Attach is the one that links
  // us, and answering it Error_In_Progress as well would leave both waiting for nothing.
  AttachStates a(self, {});
  a.sent(larger, 82, {AttachPurpose::neighbor, false});
  a.ended(larger, 82, AttachStates::Outcome::peer_attaches, t0);
  CHECK(a.awaiting(larger));
  auto in = a.on_request(larger, false, t0 + 1s);
  CHECK(in.verdict == Verdict::answer);
  CHECK_FALSE(in.cancel);
  CHECK(a.link_up(larger).purpose == AttachPurpose::neighbor);
}

TEST_CASE("an answer to an older, cancelled Attach changes nothing") {
  AttachStates a(self, {});
  a.sent(larger, 80, {AttachPurpose::neighbor, false});
  a.sent(larger, 81, {AttachPurpose::neighbor, false});  // a newer one replaced it
  a.ended(larger, 80, AttachStates::Outcome::answered, t0);
  CHECK(a.attaching(larger));
  CHECK_FALSE(a.awaiting(larger));
}

TEST_CASE("a link awaited past its timeout is reported once, for Chord's Attaches only") {
  AttachStates a(self, AttachStates::Settings{10s, 256, 16, 2});
  a.answered(larger, {AttachPurpose::finger, false}, t0);
  a.on_request(smaller, true, t0 + 2s);  // it wants an Update once linked
  CHECK(a.next_deadline() == t0 + 10s);
  CHECK(a.expire(t0 + 9s).empty());
  CHECK(a.expire(t0 + 10s) == std::vector<wire::NodeId>{larger});
  CHECK(a.expire(t0 + 12s).empty());  // smaller expired too, but Chord never asked for it
  CHECK_FALSE(a.next_deadline());
}

TEST_CASE("both ends' wishes for one link are kept together") {
  AttachStates a(self, {});
  a.answered(larger, {AttachPurpose::neighbor, false}, t0);
  a.on_request(id_of(0x10), true, t0);
  a.answered(id_of(0x10), {AttachPurpose::finger, false}, t0);
  auto why = a.link_up(id_of(0x10));
  CHECK(why.purpose == AttachPurpose::finger);
  CHECK(why.send_update);
  CHECK(a.link_up(id_of(0x10)).purpose == std::nullopt);  // taken once
}

TEST_CASE("dials in flight are bounded: one per peer, a few per address, a cap in all") {
  AttachStates a(self, AttachStates::Settings{10s, 256, 3, 2});
  CHECK(a.may_dial(id_of(1), "127.0.0.9"));
  a.dialling(id_of(1), "127.0.0.9");
  CHECK(a.is_dialling(id_of(1)));
  CHECK_FALSE(a.may_dial(id_of(1), "127.0.0.10"));  // that peer is being dialled
  a.dialling(id_of(2), "127.0.0.9");
  CHECK_FALSE(a.may_dial(id_of(3), "127.0.0.9"));   // a reflector target: two at a time
  CHECK(a.may_dial(id_of(3), "127.0.0.10"));
  a.dialling(id_of(3), "127.0.0.10");
  CHECK_FALSE(a.may_dial(id_of(4), "127.0.0.11"));  // three in all
  a.dial_ended(id_of(1), "127.0.0.9");
  CHECK(a.may_dial(id_of(4), "127.0.0.9"));
  CHECK(a.dials() == 2);
}

TEST_CASE("links awaited for peers' Update wishes are bounded") {
  AttachStates a(self, AttachStates::Settings{10s, 2, 16, 2});
  CHECK(a.on_request(id_of(1), true, t0).verdict == Verdict::answer);
  CHECK(a.on_request(id_of(2), true, t0).verdict == Verdict::answer);
  CHECK(a.on_request(id_of(3), true, t0).verdict == Verdict::overloaded);
  CHECK(a.on_request(id_of(3), false, t0).verdict == Verdict::answer);  // wanting nothing costs nothing
}
