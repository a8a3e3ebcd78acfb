#include "usage/dial_backoff.hpp"

#include <doctest/doctest.h>

using namespace reload;
using namespace reload::usage;
using namespace std::chrono_literals;

namespace {

wire::NodeId device(std::uint8_t b) { return wire::NodeId(wire::Buffer(16, b)); }

}  // namespace

TEST_CASE("a device never failed is dialled at once") {
  DialBackoff b;
  const DialBackoff::TimePoint t0{};
  CHECK(b.may_dial(device(1), t0));
  b.opened(device(1), t0);
  CHECK(b.size() == 0);  // nothing kept for it
}

TEST_CASE("failed AppAttaches wait twice as long each time, up to the longest wait") {
  DialBackoff b;
  auto t = DialBackoff::TimePoint{};
  const std::chrono::milliseconds waits[] = {1s, 2s, 4s, 8s, 16s, 32s, 60s, 60s};
  for (auto wait : waits) {
    b.failed(device(1), t);
    CHECK_FALSE(b.may_dial(device(1), t + wait - 1ms));
    CHECK(b.may_dial(device(1), t + wait));
    CHECK(b.next_dial(device(1), t) == t + wait);
    t += wait;
  }
  CHECK(b.may_dial(device(2), t));  // another device is not held back
}

TEST_CASE("a stream that drops soon after opening counts as a failure; one that stayed up starts over") {
  DialBackoff b;
  auto t = DialBackoff::TimePoint{};
  b.failed(device(1), t);  // 1 s
  b.failed(device(1), t);  // 2 s
  b.opened(device(1), t);
  CHECK(b.may_dial(device(1), t));  // open: nothing holds it back
  b.dropped(device(1), t + 5s);  // flapping: 4 s now
  CHECK(b.next_dial(device(1), t + 5s) == t + 9s);
  b.opened(device(1), t + 10s);
  b.dropped(device(1), t + 10s + 60s);  // it stayed up a minute: the first wait again
  CHECK(b.next_dial(device(1), t + 70s) == t + 71s);
  b.dropped(device(2), t);  // a device that never failed, dropping: the first wait
  CHECK(b.next_dial(device(2), t) == t + 1s);
}

TEST_CASE("the devices remembered are bounded; the one due soonest is forgotten first") {
  DialBackoff b(DialBackoff::Settings{.first = 1s, .longest = 60s, .stable_after = 60s, .max_devices = 3});
  const DialBackoff::TimePoint t0{};
  b.failed(device(1), t0 + 3s);
  b.failed(device(2), t0);  // due soonest
  b.failed(device(3), t0 + 2s);
  b.failed(device(4), t0 + 1s);
  CHECK(b.size() == 3);
  CHECK(b.may_dial(device(2), t0));  // forgotten
  CHECK_FALSE(b.may_dial(device(1), t0 + 3s));
  CHECK_FALSE(b.may_dial(device(4), t0 + 1s));
}
