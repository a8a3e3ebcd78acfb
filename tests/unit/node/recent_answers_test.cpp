#include "node/recent_answers.hpp"

#include <doctest/doctest.h>

#include "node_ids.hpp"

using namespace reload;
using namespace reload::node;
using reload::node::test::id_of;
using namespace std::chrono_literals;

namespace {

Reply answer_of(std::size_t bytes) { return Answer{wire::MessageCode::store_ans, wire::Buffer(bytes, 7), {}}; }

const RecentAnswers::TimePoint t0{};

}  // namespace

TEST_CASE("a retransmission within the request lifetime finds the first reply, from the same signer only") {
  RecentAnswers r(15s, 1 << 20);
  r.remember(id_of(1), 42, answer_of(10), t0);
  const Reply* again = r.find(id_of(1), 42, t0 + 14s);
  REQUIRE(again);
  CHECK(std::get<Answer>(*again).body.size() == 10);
  CHECK_FALSE(r.find(id_of(2), 42, t0 + 1s));  // another peer's id 42 is another request
  CHECK_FALSE(r.find(id_of(1), 43, t0 + 1s));
  CHECK_FALSE(r.find(id_of(1), 42, t0 + 15s));  // the lifetime is over
  CHECK(r.size() == 0);
}

TEST_CASE("the first reply stays: a second remember of the same request changes nothing") {
  RecentAnswers r(15s, 1 << 20);
  r.remember(id_of(1), 42, answer_of(10), t0);
  r.remember(id_of(1), 42, Refusal::text(errc::generation_counter_too_low, "x"), t0 + 1s);
  CHECK(std::holds_alternative<Answer>(*r.find(id_of(1), 42, t0 + 2s)));
}

TEST_CASE("however fast a peer sends, the replies kept stay within the byte bound, oldest out first") {
  RecentAnswers r(15s, 10'000);
  for (std::uint64_t id = 0; id < 1000; ++id) r.remember(id_of(1), id, answer_of(500), t0);
  CHECK(r.bytes() <= 10'000);
  CHECK(r.size() >= 10);
  CHECK(r.find(id_of(1), 999, t0));
  CHECK_FALSE(r.find(id_of(1), 0, t0));
  r.remember(id_of(1), 5000, answer_of(20'000), t0);  // larger than the bound: not kept
  CHECK_FALSE(r.find(id_of(1), 5000, t0));
  CHECK(r.find(id_of(1), 999, t0));
}
