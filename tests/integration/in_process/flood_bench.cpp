// A benchmark, not a test (issue 14's flood proof): a victim node in a 10-node overlay
// (real TLS, certificates from the real enrollment server) is flooded while another peer
// fetches values the victim holds, and the fetching peer's p50, p99 and success rate are
// printed without and with the flood, side by side.
//
// The flood: 2,000 TCP connections from 200 loopback addresses (127.0.1.x) that never start
// TLS, each reopened 1 s after the victim closes it, and a member of the overlay
// ("mallory") sending 200 signed Attaches a second whose candidate is a closed port. All of
// it runs in this process, on the one thread that also runs the ten nodes, so the figures
// are an upper bound of what the flood costs the victim.
//
//   flood_bench CONFIG_URL CA_FILE PASSWORD WORK_DIR [FETCHES]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include "attack_rig.hpp"
#include "node/no_ice_candidates.hpp"
#include "node/storage_client.hpp"
#include "storage/access_control.hpp"
#include "wire/attach.hpp"
#include "wire/codec.hpp"
#include "wire/ring.hpp"

using namespace reload;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

constexpr wire::KindId single_kind = 4000001;  // the rig's private NODE-MULTIPLE Kind

struct Phase {
  std::vector<double> ms;
  std::size_t failed = 0;
  double percentile(double p) const {
    if (ms.empty()) return 0;
    auto v = ms;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
  }
};

Phase fetch_round(test::InProcessOverlay& overlay, node::OverlayNode& client,
                  const std::vector<wire::ResourceId>& resources, std::size_t fetches) {
  Phase phase;
  for (std::size_t i = 0; i < fetches; ++i) {
    bool done = false;
    const auto t0 = Clock::now();
    wire::StoredDataSpecifier spec;
    spec.kind = single_kind;
    spec.model_specifier = wire::SingleValueSpecifier{};
    node::fetch(client, resources[i % resources.size()], {spec}, [&](boost::system::result<node::FetchResult> r) {
      done = true;
      if (!r || r->answer.kind_responses.empty() || r->answer.kind_responses[0].values.empty()) ++phase.failed;
      else phase.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    });
    overlay.run_until([&] { return done; }, 20s);
    if (!done) ++phase.failed;
  }
  return phase;
}

// Connections that never start TLS, each reopened shortly after the victim closes it.
class HandshakeFlood {
 public:
  HandshakeFlood(asio::io_context& io, asio::ip::tcp::endpoint target, std::size_t count) : target_(target) {
    for (std::size_t i = 0; i < count; ++i) {
      auto c = std::make_shared<Conn>(io);
      c->source = asio::ip::make_address_v4(fmt::format("127.0.1.{}", 1 + i % 200));
      conns_.push_back(c);
      open(c);
    }
  }
  void stop() {
    stopped_ = true;
    for (auto& c : conns_) c->socket.close();
  }
  std::uint64_t opened() const { return opened_; }

 private:
  struct Conn {
    explicit Conn(asio::io_context& io) : socket(io), timer(io) {}
    asio::ip::tcp::socket socket;
    asio::steady_timer timer;
    asio::ip::address_v4 source;
    char byte = 0;
  };
  void open(const std::shared_ptr<Conn>& c) {
    if (stopped_) return;
    boost::system::error_code ec;
    c->socket.close(ec);
    c->socket.open(asio::ip::tcp::v4(), ec);
    c->socket.bind({c->source, 0}, ec);
    c->socket.async_connect(target_, [this, c](boost::system::error_code e) {
      if (stopped_) return;
      if (!e) ++opened_;
      c->socket.async_read_some(asio::buffer(&c->byte, 1), [this, c](boost::system::error_code, std::size_t) {
        if (stopped_) return;
        c->timer.expires_after(1s);
        c->timer.async_wait([this, c](boost::system::error_code) { open(c); });
      });
    });
  }
  asio::ip::tcp::endpoint target_;
  std::vector<std::shared_ptr<Conn>> conns_;
  std::uint64_t opened_ = 0;
  bool stopped_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  auto args = test::parse_rig_args(argc, argv, "flood_bench CONFIG_URL CA_FILE PASSWORD WORK_DIR [FETCHES]");
  const std::size_t fetches = argc > 5 ? std::stoul(argv[5]) : 300;
  test::InProcessOverlay overlay(args);
  overlay.add_ring(10, 60s);
  test::AttackRig rig(overlay);
  auto& victim = rig.target();
  auto& client = *overlay.nodes().at(5);

  // Values of the client's that the victim is responsible for.
  std::vector<wire::ResourceId> resources;
  std::size_t stored = 0;
  for (std::uint32_t i = 0; i < 100; ++i) {
    auto r = storage::node_multiple_resource_id(client.self(), i);
    if (overlay.responsible_for(wire::ring::point_of(r, 16)) != victim.self()) continue;
    resources.push_back(r);
    wire::Buffer value(64, static_cast<std::uint8_t>(i));
    node::store(client, r, single_kind, {wire::DataValue{true, value}}, 3600s,
                [&](boost::system::result<node::StoreResult> res) { stored += res.has_value(); });
  }
  test::check(!resources.empty(), "no value of the client's lands on the victim");
  overlay.run_until([&] { return stored == resources.size(); }, 30s);
  test::check(stored == resources.size(), "stores failed");

  fetch_round(overlay, client, resources, 30);  // warm-up: links, caches
  const auto usage0 = test::ProcessUsage::now();
  auto quiet = fetch_round(overlay, client, resources, fetches);

  // The flood.
  HandshakeFlood flood(overlay.io, victim.listen_endpoint(), 2000);
  const auto mallory = test::attacker_from(test::enroll(args, "mallory"));
  // A newcomer during the flood: the stale handshakes make room once they are 2 s old.
  overlay.run_for(3s);
  test::Recorder mallory_end;
  std::shared_ptr<transport::TlsLink> link;
  int tries = 0;
  while (!link && tries < 10) {
    ++tries;
    link = rig.link(mallory, mallory_end);
    if (!link) {
      std::printf("try %d refused: %zu silent, %zu handshakes, %llu refused, %llu evicted\n", tries,
                  victim.listener()->silent(), victim.listener()->handshakes(),
                  static_cast<unsigned long long>(victim.listener()->refused()),
                  static_cast<unsigned long long>(victim.listener()->evicted()));
      overlay.run_for(300ms);
    }
  }
  test::check(link != nullptr, "mallory could not link during the handshake flood");
  asio::steady_timer attach_timer(overlay.io);
  std::uint64_t attaches = 0;
  std::function<void()> attach_tick = [&] {
    node::NoIceCandidateStorage storage;
    wire::AttachReqAns a;
    const auto ufrag = node::random_token(8), pwd = node::random_token(24);
    a.ufrag = ufrag;
    a.password = pwd;
    a.role = wire::as_bytes(wire::role_passive);
    a.candidates.push_back(node::passive_no_ice_candidate({asio::ip::make_address("127.0.0.3"), 9}, wire::OverlayLinkType::tls_tcp_fh_no_ice, storage));
    link->send(rig.request_message(mallory, {victim.self()}, wire::MessageCode::attach_req,
                                   wire::encode_to_buffer(a).value()));
    ++attaches;
    attach_timer.expires_after(5ms);
    attach_timer.async_wait([&](boost::system::error_code ec) {
      if (!ec) attach_tick();
    });
  };
  attach_tick();
  overlay.run_for(1s);
  const auto refused0 = victim.listener()->refused();
  const auto evicted0 = victim.listener()->evicted();
  const auto t_flood = Clock::now();
  auto flooded = fetch_round(overlay, client, resources, fetches);
  const double flood_s = std::chrono::duration<double>(Clock::now() - t_flood).count();
  const auto refused = victim.listener()->refused() - refused0;
  const auto handshakes = victim.listener()->handshakes() + victim.listener()->silent();
  const auto usage1 = test::ProcessUsage::now();
  attach_timer.cancel();
  flood.stop();
  link->close();
  overlay.run_for(500ms);

  std::printf("flood_bench: 10 nodes, %zu values held by the victim, %zu fetches a phase\n", resources.size(), fetches);
  std::printf("%-10s %10s %10s %10s\n", "phase", "p50 ms", "p99 ms", "success");
  for (const auto* p : {&quiet, &flooded})
    std::printf("%-10s %10.3f %10.3f %9.1f%%\n", p == &quiet ? "quiet" : "flooded", p->percentile(0.5), p->percentile(0.99),
                100.0 * static_cast<double>(p->ms.size()) / static_cast<double>(p->ms.size() + p->failed));
  std::printf("p50 ratio flooded/quiet %.2f\n", flooded.percentile(0.5) / quiet.percentile(0.5));
  std::printf("during the flood (%.1f s): %llu connections opened by the flood, %llu closed at once by the victim, "
              "%llu stale handshakes cut short, %zu connections waiting at the end; %llu Attaches sent by mallory "
              "(%.0f/s)\n",
              flood_s, static_cast<unsigned long long>(flood.opened()), static_cast<unsigned long long>(refused),
              static_cast<unsigned long long>(victim.listener()->evicted() - evicted0), handshakes,
              static_cast<unsigned long long>(attaches), static_cast<double>(attaches) / (flood_s + 1.0));
  std::printf("a newcomer linked to the victim during the flood at try %d\n", tries);
  std::printf("process (all 10 nodes and the attackers): %s\n", test::usage_change(usage0, usage1).c_str());
  overlay.leave_all();
  return 0;
}
