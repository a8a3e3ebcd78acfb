// An overlay whose links are DTLS-UDP-SR over ICE (issue 15): OverlayNodes in one process
// with certificates from the real enrollment server, one libnice thread for all of them, and
// a document without <no-ice> whose overlay-link-protocol is DTLS (in_process_test.py --ice).
// Every node joins through the first over DTLS-UDP-SR-NO-ICE (the bootstrap link, section
// 11.4); every link Chord asks for after that is an Attach over ICE.
//   - the ring settles: every node's successor and predecessor lists match the sorted ring;
//   - no TCP link exists: apart from the bootstrap links (at most one per node, to the
//     first, DTLS-UDP-SR-NO-ICE) every link is DTLS-UDP-SR;
//   - every node Pings 50 random Resource-IDs: each answered by the responsible node in at
//     most log2(N)+1 hops;
//   - every node Pings 5 random Resource-IDs with 3,000 bytes of padding: the requests and
//     answers cross the DTLS links as fragments (a datagram holds about 1,100 bytes of
//     message) and are put together again only where they end.
//
//   ice_overlay CONFIG_URL CA_FILE PASSWORD WORK_DIR [NODES]
// The users peer00..peerNN must exist with PASSWORD (in_process_test.py makes them).
#include <cmath>
#include <cstdio>
#include <random>

#include <fmt/format.h>

#include "overlay_harness.hpp"
#include "wire/codec.hpp"
#include "wire/ping.hpp"
#include "wire/ring.hpp"

using namespace reload;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  auto rig = test::parse_rig_args(argc, argv, "ice_overlay CONFIG_URL CA_FILE PASSWORD WORK_DIR [NODES]");
  const std::size_t count = argc > 5 ? std::stoul(argv[5]) : 16;
  test::InProcessOverlay overlay(rig);
  overlay.configure = test::loopback_ice;
  const auto t0 = Clock::now();
  overlay.add_ring(count, 90s);
  std::printf("%zu nodes joined and the ring settled in %.1f s\n", count,
              std::chrono::duration<double>(Clock::now() - t0).count());

  const auto& nodes = overlay.nodes();
  std::size_t dtls = 0, no_ice = 0, tcp = 0;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const auto d = nodes[i]->link_count(wire::OverlayLinkType::dtls_udp_sr);
    const auto n = nodes[i]->link_count(wire::OverlayLinkType::dtls_udp_sr_no_ice);
    const auto t = nodes[i]->link_count(wire::OverlayLinkType::tls_tcp_fh_no_ice);
    test::check(d + n + t == nodes[i]->link_count(), "a link of a fourth type");
    if (i > 0)
      test::check(n <= 1, fmt::format("node {} has {} DTLS-UDP-SR-NO-ICE links: only its bootstrap link may be", i, n));
    dtls += d;
    no_ice += n;
    tcp += t;
  }
  std::printf("links: %zu DTLS-UDP-SR, %zu DTLS-UDP-SR-NO-ICE (bootstrap links to the first node), %zu over TCP,"
              " counted at both ends\n", dtls, no_ice, tcp);
  test::check(tcp == 0, "a TLS/TCP link in an overlay whose links are DTLS");
  test::check(dtls > no_ice, "fewer DTLS-UDP-SR links than bootstrap links");

  const auto max_hops = static_cast<std::size_t>(std::floor(std::log2(static_cast<double>(count)))) + 1;
  std::mt19937_64 random(20261206);
  auto random_key = [&] {
    wire::Buffer key(16);
    for (auto& b : key) b = static_cast<std::uint8_t>(random());
    return wire::ResourceId(key);
  };
  std::size_t answered = 0, total_hops = 0, sent = 0;
  for (const auto& node : nodes) {
    for (int k = 0; k < 50; ++k, ++sent) {
      const auto resource = random_key();
      const auto expected = overlay.responsible_for(wire::ring::point_of(resource, 16));
      test::ping(*node, {resource}, [&, resource, expected](test::PingResult r) {
        ++answered;
        test::check(!r.error, fmt::format("Ping to {}: {}", resource.hex(), r.error.message()));
        test::check(r.responder == expected, fmt::format("Ping to {} answered by {}, not by {}", resource.hex(),
                                                         r.responder.hex(), expected.hex()));
        test::check(r.hops <= max_hops, fmt::format("Ping to {} took {} hops", resource.hex(), r.hops));
        total_hops += r.hops;
      });
    }
  }
  test::check(overlay.run_until([&] { return answered == sent; }, 60s),
              fmt::format("only {} of {} Pings answered within 60 s", answered, sent));
  std::printf("%zu Pings to random Resource-IDs answered by the responsible node, mean %.2f hops (at most %zu)\n",
              sent, static_cast<double>(total_hops) / static_cast<double>(sent), max_hops);

  // Pings too large for one datagram.
  std::size_t big_answered = 0, big_sent = 0;
  wire::Buffer padding(3000, 0x5a);
  const auto big_body = wire::encode_to_buffer(wire::PingReq{padding}).value();
  for (const auto& node : nodes) {
    for (int k = 0; k < 5; ++k, ++big_sent) {
      const auto resource = random_key();
      const auto expected = overlay.responsible_for(wire::ring::point_of(resource, 16));
      node->request({resource}, wire::MessageCode::ping_req, big_body,
                    [&, resource, expected](boost::system::result<node::Response> r) {
                      ++big_answered;
                      test::check(r.has_value(), fmt::format("a 3,000-byte Ping to {}: {}", resource.hex(),
                                                             r ? "" : r.error().message()));
                      test::check(r->sender == expected, "a 3,000-byte Ping answered by the wrong node");
                    });
    }
  }
  test::check(overlay.run_until([&] { return big_answered == big_sent; }, 60s),
              fmt::format("only {} of {} 3,000-byte Pings answered within 60 s", big_answered, big_sent));
  std::printf("%zu Pings with 3,000 bytes of padding, fragmented over the DTLS links, all answered\n", big_sent);

  overlay.leave_all();
  std::printf("PASS\n");
  return 0;
}
