// The simulated network: delays from coordinates or a matrix, the uplink queue, loss, and
// the same draws for the same seed.
#include "overlay_channel.hpp"

#include <cmath>

#include <doctest/doctest.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>

using namespace reload::sim;

namespace {
double ms(ns3::Time t) { return static_cast<double>(t.GetNanoSeconds()) / 1e6; }
}  // namespace

TEST_CASE("delays lie between the access links and the square's diagonal, the same both ways") {
  ns3::RngSeedManager::SetRun(7);
  ChannelSettings s;
  s.area_ms = 100;
  s.access_ms = 2;
  OverlayChannel c(s, 1);
  for (int i = 0; i < 50; ++i) c.add_endpoint();
  for (std::uint32_t a = 0; a < 50; ++a)
    for (std::uint32_t b = 0; b < 50; ++b) {
      if (a == b) {
        CHECK(ms(c.latency(a, b)) == 0);
        continue;
      }
      CHECK(c.latency(a, b) == c.latency(b, a));
      CHECK(ms(c.latency(a, b)) >= 4);
      CHECK(ms(c.latency(a, b)) <= 100 * std::sqrt(2.0) + 4 + 0.001);
    }
}

TEST_CASE("a latency matrix sets the delay between sites, the access links added") {
  ChannelSettings s;
  s.access_ms = 1;
  s.matrix = {{5}};
  OverlayChannel c(s, 1);
  c.add_endpoint();
  c.add_endpoint();
  CHECK(ms(c.latency(0, 1)) == doctest::Approx(7));
}

TEST_CASE("an uplink sends one message after another: the second waits for the first") {
  ChannelSettings s;
  s.uplink_bps = 10e6;  // 1,250 bytes take 1 ms
  OverlayChannel c(s, 1);
  c.add_endpoint();
  c.add_endpoint();
  const double path = ms(c.latency(0, 1));
  auto first = c.transmit(0, 1, 1250);
  auto second = c.transmit(0, 1, 1250);
  REQUIRE(first);
  REQUIRE(second);
  CHECK(ms(*first) == doctest::Approx(path + 1));
  CHECK(ms(*second) == doctest::Approx(path + 2));
  ns3::Simulator::Destroy();
}

TEST_CASE("loss drops about the share asked for, and the same run drops the same messages") {
  ChannelSettings s;
  s.loss = 0.5;
  s.uplink_bps = 1e12;
  auto pattern = [&] {
    OverlayChannel c(s, 1);
    c.add_endpoint();
    c.add_endpoint();
    std::vector<bool> lost;
    for (int i = 0; i < 2000; ++i) lost.push_back(!c.transmit(0, 1, 100));
    return lost;
  };
  ns3::RngSeedManager::SetRun(3);
  const auto a = pattern();
  const auto b = pattern();
  ns3::RngSeedManager::SetRun(4);
  const auto other = pattern();
  const auto count = std::count(a.begin(), a.end(), true);
  CHECK(count > 900);
  CHECK(count < 1100);
  CHECK(a == b);
  CHECK(a != other);
  ns3::Simulator::Destroy();
}
