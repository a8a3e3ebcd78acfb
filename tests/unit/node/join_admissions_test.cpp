#include "node/join_admissions.hpp"

#include <doctest/doctest.h>

using namespace reload;
using namespace reload::node;
using namespace std::chrono_literals;

namespace {

wire::NodeId peer(std::uint8_t b) { return wire::NodeId(wire::Buffer(16, b)); }
using Wait = JoinAdmissions::Wait;

}  // namespace

TEST_CASE("a joiner waits once; a retransmitted Join does not start a second hand-over") {
  JoinAdmissions a;
  const JoinAdmissions::TimePoint t0{};
  CHECK_FALSE(a.next_deadline());
  CHECK(a.wait_for(peer(1), t0) == Wait::started);
  CHECK(a.wait_for(peer(1), t0 + 1s) == Wait::already_waiting);
  CHECK(a.next_deadline() == t0 + JoinAdmissions::limit);
  CHECK(a.finish(peer(1)));
  CHECK_FALSE(a.finish(peer(1)));  // admitted already: its data's late answer admits nothing
  CHECK(a.size() == 0);
}

TEST_CASE("a joiner whose data is not all answered in time is admitted anyway") {
  JoinAdmissions a;
  const JoinAdmissions::TimePoint t0{};
  a.wait_for(peer(1), t0);
  a.wait_for(peer(2), t0 + 1s);
  CHECK(a.expire(t0 + JoinAdmissions::limit - 1ms).empty());
  CHECK(a.expire(t0 + JoinAdmissions::limit) == std::vector<wire::NodeId>{peer(1)});
  CHECK(a.next_deadline() == t0 + 1s + JoinAdmissions::limit);
  CHECK_FALSE(a.finish(peer(1)));
}

TEST_CASE("the joiners waiting are bounded: past the bound one is admitted at once") {
  JoinAdmissions a;
  const JoinAdmissions::TimePoint t0{};
  for (std::size_t i = 0; i < JoinAdmissions::max_waiting; ++i)
    REQUIRE(a.wait_for(peer(static_cast<std::uint8_t>(i + 1)), t0) == Wait::started);
  CHECK(a.wait_for(peer(0xff), t0) == Wait::full);
  CHECK(a.size() == JoinAdmissions::max_waiting);
}
