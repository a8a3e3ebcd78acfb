// The simulator's hop counts against Chord's own routing: first against a walk of
// Chord::route() over the simulator's own routing tables, then against tests/unit/topology's
// ring harness on the same ring.
//
// The simulator routes real messages over a channel with delays; the harness follows
// Chord::route() over instant links. Both run the same Chord core on the same Node-IDs with
// the same settings, joined in the same order. Their tables differ by what the timing of
// joins leaves behind: with delays, joins overlap, Attaches for fingers and neighbours reach
// peers that were responsible a moment earlier, and since Chord's notify (20af890) peers that
// hear of each other through it link too: each node ends with about 44 links against the
// harness's 31 (seeds 2 and 3; 36 before 20af890). Chord routes through every linked ring
// member, so the simulator's routes are shorter by about 0.45 hops (3.61 against 4.07, 3.66
// against 4.10; 3.68 and 3.74 before). The stated tolerance is 0.5 hops (docs/simulator.md). Against the walk over its own
// tables, which is the same routing decision without the network, the simulator must agree
// within 0.1 hops.
#include <algorithm>
#include <cmath>
#include <random>

#include <doctest/doctest.h>

#include "ring_harness.hpp"
#include "simulation.hpp"

using namespace reload::sim;
using reload::topology::test::RingHarness;
using namespace std::chrono_literals;

namespace {

SimulationSettings smoke_settings(std::uint64_t seed) {
  SimulationSettings s;
  s.overlay.seed = seed;
  s.workload.nodes = 300;
  s.workload.join_rate = 1;
  s.workload.settle_s = 30;
  s.workload.measure_s = 60;
  s.workload.lookup_rate = 20;
  return s;
}

constexpr int routes = 3000;

NodeId random_key(std::mt19937_64& rng) {
  std::array<std::uint8_t, 16> b;
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  return NodeId(reload::wire::Bytes(b.data(), b.size()));
}

struct Walk {
  double mean_hops = 0;
  double links_per_node = 0;
};

// Chord::route() followed across the simulator's final tables, with no messages.
Walk walk_simulated_tables(const Overlay& overlay) {
  std::vector<NodeId> ids;
  Walk w;
  for (const auto& [id, index] : overlay.live()) {
    ids.push_back(id);
    w.links_per_node += static_cast<double>(overlay.node(id)->chord().links().size());
  }
  w.links_per_node /= static_cast<double>(ids.size());
  std::mt19937_64 rng(11);
  double total = 0;
  for (int k = 0; k < routes; ++k) {
    const NodeId key = random_key(rng);
    NodeId at = ids[rng() % ids.size()];
    for (int hops = 0;; ++hops) {
      const auto d = overlay.node(at)->chord().route(key);
      if (d.deliver_here) {
        CHECK(at == overlay.owner_of(key));
        total += hops;
        break;
      }
      REQUIRE(d.next_hop);
      REQUIRE(hops < 64);
      at = *d.next_hop;
    }
  }
  w.mean_hops = total / routes;
  return w;
}

// The harness on the simulator's final ring: the same Node-IDs joining in the same order,
// each through a random earlier peer, then as much virtual time as the simulation had.
Walk walk_harness(const std::vector<NodeId>& ids, const reload::topology::ChordSettings& chord, double seconds) {
  RingHarness h(chord, 42);
  h.create(ids[0]);
  std::mt19937_64 pick(9);
  for (std::size_t i = 1; i < ids.size(); ++i)
    h.join(ids[i], ids[std::uniform_int_distribution<std::size_t>(0, i - 1)(pick)]);
  for (double t = 0; t < seconds; t += 10) h.advance(10s);
  Walk w;
  for (const auto& id : ids) w.links_per_node += static_cast<double>(h.node(id).links().size());
  w.links_per_node /= static_cast<double>(ids.size());
  std::mt19937_64 rng(11);
  double total = 0;
  for (int k = 0; k < routes; ++k) {
    const NodeId key = random_key(rng);
    const NodeId& from = ids[rng() % ids.size()];
    int hops = 0;
    REQUIRE(h.route(from, key, &hops) == h.expected_owner(key));
    total += hops;
  }
  w.mean_hops = total / routes;
  return w;
}

}  // namespace

TEST_CASE("hop counts: the simulator against Chord's routing and against the ring harness") {
  for (std::uint64_t seed : {2, 3}) {
    CAPTURE(seed);
    const auto settings = smoke_settings(seed);
    double sim_mean = 0;
    Walk own;
    std::vector<NodeId> ids;
    {
      Simulation sim(settings);
      sim.run();
      const auto& st = sim.stats();
      REQUIRE(st.lookups_answered() > 1000);
      REQUIRE(st.lookups_correct() == st.lookups_issued());
      REQUIRE(sim.overlay().wrong_successors() == 0);
      double total = 0;
      for (int h : st.hops()) total += h;
      sim_mean = total / static_cast<double>(st.hops().size());
      own = walk_simulated_tables(sim.overlay());
      // In the order they joined: the overlay numbers nodes as they come.
      std::vector<std::pair<std::uint32_t, NodeId>> joined;
      for (const auto& [id, index] : sim.overlay().live()) joined.emplace_back(index, id);
      std::sort(joined.begin(), joined.end());
      for (const auto& [index, id] : joined) ids.push_back(id);
    }
    const double virtual_s = static_cast<double>(settings.workload.nodes - 1) / settings.workload.join_rate +
                             settings.workload.settle_s + settings.workload.measure_s;
    const auto harness = walk_harness(ids, settings.overlay.node.chord, virtual_s);
    const double half_log2_n = 0.5 * std::log2(static_cast<double>(ids.size()));
    MESSAGE("seed " << seed << ": simulator " << sim_mean << " hops; route() over its tables " << own.mean_hops
                    << " (" << own.links_per_node << " links per node); harness " << harness.mean_hops << " ("
                    << harness.links_per_node << " links per node); 0.5 log2 N " << half_log2_n);
    CHECK(std::abs(sim_mean - own.mean_hops) <= 0.1);
    CHECK(std::abs(sim_mean - harness.mean_hops) <= 0.5);
    CHECK(std::abs(sim_mean - half_log2_n) <= 1.0);
    CHECK(std::abs(harness.mean_hops - half_log2_n) <= 1.0);
  }
}
