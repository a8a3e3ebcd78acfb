#include "node/messages_awaiting_link.hpp"

#include <doctest/doctest.h>

#include "node_ids.hpp"

using namespace reload;
using namespace reload::node;
using reload::node::test::id_of;
using namespace std::chrono_literals;

namespace {

const MessagesAwaitingLink::TimePoint t0{};

wire::Buffer message(std::uint8_t tag) { return wire::Buffer(10, tag); }

}  // namespace

TEST_CASE("what waits for a peer's link comes out in order when it is up, for that peer only") {
  MessagesAwaitingLink w(2s);
  CHECK(w.hold(id_of(1), message(1), t0));
  CHECK(w.hold(id_of(2), message(2), t0));
  CHECK(w.hold(id_of(1), message(3), t0));
  CHECK(w.size() == 3);
  auto out = w.take(id_of(1));
  REQUIRE(out.size() == 2);
  CHECK(out[0] == message(1));
  CHECK(out[1] == message(3));
  CHECK(w.take(id_of(1)).empty());
  CHECK(w.size() == 1);
}

TEST_CASE("a message waits at most the wait, and the next end of a wait is given") {
  MessagesAwaitingLink w(2s);
  w.hold(id_of(1), message(1), t0);
  w.hold(id_of(2), message(2), t0 + 1s);
  CHECK(w.expire(t0 + 1s) == t0 + 2s);
  CHECK(w.expire(t0 + 2s) == t0 + 3s);
  CHECK(w.size() == 1);
  CHECK(w.take(id_of(1)).empty());
  CHECK_FALSE(w.expire(t0 + 3s));
  CHECK(w.size() == 0);
}

TEST_CASE("past the bounds per peer and in all, a message is refused") {
  MessagesAwaitingLink w(2s, 2, 3);
  CHECK(w.hold(id_of(1), message(1), t0));
  CHECK(w.hold(id_of(1), message(1), t0));
  CHECK_FALSE(w.hold(id_of(1), message(1), t0));  // 2 per peer
  CHECK(w.hold(id_of(2), message(2), t0));
  CHECK_FALSE(w.hold(id_of(3), message(3), t0));  // 3 in all
  CHECK(w.size() == 3);
  w.take(id_of(1));
  CHECK(w.hold(id_of(3), message(3), t0));
}
