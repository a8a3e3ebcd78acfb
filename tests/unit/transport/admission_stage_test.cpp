#include "transport/admission_stage.hpp"

#include <vector>

#include <doctest/doctest.h>

using reload::transport::AdmissionStage;
using namespace std::chrono_literals;

namespace {
const AdmissionStage::TimePoint t0{};
}

TEST_CASE("a full stage refuses newcomers while its oldest is fresh") {
  AdmissionStage s(2, 1000ms);
  CHECK(s.enter(10, t0).ticket);
  CHECK(s.enter(11, t0 + 100ms).ticket);
  auto third = s.enter(12, t0 + 900ms);
  CHECK_FALSE(third.ticket);
  CHECK_FALSE(third.evict);
  CHECK(s.size() == 2);
}

TEST_CASE("a full stage lets a newcomer in by evicting its oldest once that one is stale, oldest first") {
  AdmissionStage s(2, 1000ms);
  auto a = *s.enter(10, t0).ticket;
  auto b = *s.enter(11, t0 + 100ms).ticket;
  auto c = s.enter(12, t0 + 1001ms);
  REQUIRE(c.ticket);
  CHECK(c.evict == 10);
  CHECK(AdmissionStage::evicted(a));
  CHECK_FALSE(AdmissionStage::evicted(b));
  auto d = s.enter(13, t0 + 1101ms);  // b is the oldest now, and stale
  REQUIRE(d.ticket);
  CHECK(d.evict == 11);
  CHECK(s.enter(14, t0 + 1200ms).evict == std::nullopt);  // c and d are fresh: refused
  CHECK(s.evictions() == 2);
  // Evicted entries count until their owners leave, but never block the live ones.
  CHECK(s.size() == 4);
  s.leave(a);
  s.leave(b);
  s.leave(*c.ticket);
  CHECK(s.size() == 1);
  CHECK(s.enter(15, t0 + 1300ms).ticket);
}

TEST_CASE("an honest client passes before it is the oldest: a flood of stale idle entries cannot keep it out") {
  AdmissionStage s(64, 1000ms);
  auto now = t0;
  std::vector<AdmissionStage::Ticket> flood;
  for (int i = 0; i < 64; ++i) flood.push_back(*s.enter(100 + i, now).ticket);
  now += 1500ms;  // the flood's connections have gone stale
  auto honest = s.enter(7, now);
  REQUIRE(honest.ticket);
  CHECK(honest.evict == 100);
  // Newer flood connections keep arriving; the honest one is not the oldest live entry
  // until 63 more have been evicted, and it is done long before.
  for (int i = 0; i < 10; ++i) CHECK(s.enter(200 + i, now + 1ms).ticket);
  CHECK_FALSE(AdmissionStage::evicted(*honest.ticket));
  s.leave(*honest.ticket);
}
