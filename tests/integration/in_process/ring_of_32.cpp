// Issue 4's in-process proof: 32 OverlayNodes in one process join one after another over
// real TLS with certificates from the real enrollment server; every node's successor and
// predecessor lists must match the sorted ring; then every node Pings 100 random
// Resource-IDs, and each Ping must be answered by the node responsible for its key in at
// most log2(N)+1 hops. Then every Ping is sent again naming its responder first, [Node-ID,
// Resource-ID] as the storage client does with the peers it remembers
// (node/responsible_cache.hpp): answered by the same node, in fewer hops on average. Prints
// the hop figures.
//
//   ring_of_32 CONFIG_URL CA_FILE PASSWORD WORK_DIR [NODES]
// The users peer00..peerNN must exist with PASSWORD (in_process_test.py makes them).
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <vector>

#include <fmt/format.h>

#include "overlay_harness.hpp"
#include "wire/ring.hpp"

using namespace reload;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  auto rig = test::parse_rig_args(argc, argv, "ring_of_32 CONFIG_URL CA_FILE PASSWORD WORK_DIR [NODES]");
  const std::size_t count = argc > 5 ? std::stoul(argv[5]) : 32;
  test::InProcessOverlay overlay(rig);

  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < count; ++i) overlay.add(fmt::format("peer{:02}", i));
  const auto joined = std::chrono::steady_clock::now();
  std::printf("%zu nodes joined one after another in %.1f s\n", count,
              std::chrono::duration<double>(joined - t0).count());

  const bool stable = overlay.run_until([&] { return overlay.ring_mismatch().empty(); }, 60s);
  test::check(stable, "the ring did not settle within 60 s: " + overlay.ring_mismatch());
  std::printf("every successor and predecessor list matches the sorted ring %.1f s after the last join\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - joined).count());

  // 100 random keys from every node, all in flight at once.
  const std::size_t keys_per_node = 100;
  const auto max_hops = static_cast<std::size_t>(std::floor(std::log2(static_cast<double>(count)))) + 1;
  std::mt19937_64 random(20261123);
  std::size_t answered = 0, total_hops = 0, worst = 0;
  std::map<std::size_t, std::size_t> histogram;
  struct Answered {
    node::OverlayNode* from;
    wire::ResourceId resource;
    wire::NodeId responder;
  };
  std::vector<Answered> pings;
  for (const auto& node : overlay.nodes()) {
    for (std::size_t k = 0; k < keys_per_node; ++k) {
      wire::Buffer key(16);
      for (auto& b : key) b = static_cast<std::uint8_t>(random());
      wire::ResourceId resource(key);
      const auto expected = overlay.responsible_for(wire::ring::point_of(resource, 16));
      test::ping(*node, {resource}, [&, resource, expected, from = node->self()](test::PingResult r) {
        ++answered;
        test::check(!r.error, fmt::format("Ping from {} to {}: {}", from.hex(), resource.hex(), r.error.message()));
        test::check(r.responder == expected,
                    fmt::format("Ping from {} to {} answered by {}, but {} is responsible", from.hex(),
                                resource.hex(), r.responder.hex(), expected.hex()));
        test::check(r.hops <= max_hops, fmt::format("Ping from {} to {} took {} hops (at most {})",
                                                    from.hex(), resource.hex(), r.hops, max_hops));
        total_hops += r.hops;
        worst = std::max(worst, r.hops);
        ++histogram[r.hops];
        pings.push_back({node.get(), resource, r.responder});
      });
    }
  }
  const std::size_t sent = count * keys_per_node;
  const auto p0 = std::chrono::steady_clock::now();
  test::check(overlay.run_until([&] { return answered == sent; }, 60s),
              fmt::format("only {} of {} Pings answered within 60 s", answered, sent));
  std::printf("%zu Pings to random Resource-IDs, each answered by the responsible node in %.2f s\n", sent,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - p0).count());
  std::printf("hops: mean %.2f, max %zu (bound log2(%zu)+1 = %zu); histogram:", static_cast<double>(total_hops) / sent,
              worst, count, max_hops);
  for (auto [h, n] : histogram) std::printf(" %zu:%zu", h, n);
  std::printf("\n");

  std::size_t named_answered = 0, named_hops = 0;
  for (const auto& p : pings) {
    test::ping(*p.from, {p.responder, p.resource}, [&, p](test::PingResult r) {
      ++named_answered;
      test::check(!r.error, fmt::format("Ping from {} to [{}, {}]: {}", p.from->self().hex(), p.responder.hex(),
                                        p.resource.hex(), r.error.message()));
      test::check(r.responder == p.responder, fmt::format("Ping to [{}, {}] answered by {}", p.responder.hex(),
                                                          p.resource.hex(), r.responder.hex()));
      named_hops += r.hops;
    });
  }
  test::check(overlay.run_until([&] { return named_answered == pings.size(); }, 60s),
              fmt::format("only {} of {} Pings naming the responder answered within 60 s", named_answered,
                          pings.size()));
  const double plain_mean = static_cast<double>(total_hops) / sent;
  const double named_mean = static_cast<double>(named_hops) / sent;
  std::printf("the same Pings naming the responder first: mean %.2f hops against %.2f\n", named_mean, plain_mean);
  test::check(named_mean < plain_mean, "naming the responder did not shorten the routes");

  overlay.leave_all();
  std::printf("OK\n");
  return 0;
}
