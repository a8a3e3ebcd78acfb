// The RELOAD side of storage_vs_opendht.py: a peer that enrolls, joins an overlay of
// reload-node processes through BOOTSTRAP, then stores OPS values of 100 bytes one at a
// time (each at its own NODE-MULTIPLE Resource-ID of Kind 4000001, spread over the ring),
// then fetches each back twice and compares the bytes: first by Resource-ID alone (the
// remembered responders forgotten), then naming the peer that answered, as the storage
// client does for the Resource-IDs it has used in the last minute (node/responsible_cache.hpp).
// WARMUP values (default 0) are stored and fetched first, untimed, so that certificate
// caches, the responsible-peer cache's first misses and the allocator have settled; the
// values use NODE-MULTIPLE indexes FIRST (default 0) onwards, so that several runs against one
// overlay store at fresh Resource-IDs. Prints one line per operation type, with every
// latency in milliseconds:
//   reload store n=500 ok=500 p50_ms=... p90_ms=... p99_ms=... samples=0.712,0.698,...
//   reload fetch-by-resource ...
//   reload fetch ...
//
//   storage_bench_client CONFIG_URL CA_FILE USER PASSWORD STATE_DIR BOOTSTRAP OPS [WARMUP [FIRST]]
#include <algorithm>
#include <cstdio>
#include <random>
#include <string>

#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include "config/enrollment_client.hpp"
#include "node/storage_client.hpp"
#include "storage/access_control.hpp"
#include "transport/endpoint.hpp"

using namespace reload;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr wire::KindId bench_kind = 4000001;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "storage_bench_client: %s\n", what.c_str());
  std::exit(1);
}

void report(const char* what, const std::vector<double>& samples, std::size_t n) {
  auto ms = samples;
  std::sort(ms.begin(), ms.end());
  auto q = [&](double p) { return ms.empty() ? 0.0 : ms[std::min(ms.size() - 1, static_cast<std::size_t>(p * ms.size()))]; };
  std::string all;
  for (double x : samples) all += fmt::format("{}{:.3f}", all.empty() ? "" : ",", x);
  std::printf("reload %s n=%zu ok=%zu p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f samples=%s\n", what, n, ms.size(), q(0.5),
              q(0.9), q(0.99), all.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 8 || argc > 10)
    die("usage: storage_bench_client CONFIG_URL CA_FILE USER PASSWORD STATE_DIR BOOTSTRAP OPS [WARMUP [FIRST]]");
  config::EnrollmentRequest req;
  req.config_url = argv[1];
  req.ca_file = argv[2];
  req.username = argv[3];
  req.password = argv[4];
  req.state_dir = argv[5];
  auto st = config::enroll(req);
  if (!st) die(st.error());
  auto bootstrap = transport::parse_endpoint(argv[6]);
  if (!bootstrap) die("bad BOOTSTRAP");
  const std::size_t ops = std::stoul(argv[7]);
  const std::size_t warmup = argc > 8 ? std::stoul(argv[8]) : 0;
  const std::size_t first = argc > 9 ? std::stoul(argv[9]) : 0;

  boost::asio::io_context io(1);
  node::NodeOptions options{st->configuration.config, {st->key, st->certificate}, st->node_ids.front(),
                            {boost::asio::ip::make_address("127.0.0.1"), 0}, {*bootstrap}, 1, nullptr, {}, {}};
  auto made = node::OverlayNode::create(io.get_executor(), std::move(options));
  if (!made) die(made.error().message());
  auto node = *made;
  if (node->start(false)) die("cannot listen");
  auto run_until = [&](auto done, Clock::duration limit) {
    auto end = Clock::now() + limit;
    while (!done() && Clock::now() < end) io.run_one_for(5ms);  // returns as soon as a handler ran
    return done();
  };
  if (!run_until([&] { return node->chord().state() == topology::Chord::State::joined; }, 60s)) die("did not join");
  io.run_for(3s);  // fingers and neighbours settle

  std::mt19937_64 random(7 + first);
  const std::size_t total = warmup + ops;
  std::vector<wire::Buffer> values(total, wire::Buffer(100));
  for (auto& v : values)
    for (auto& b : v) b = static_cast<std::uint8_t>(random());
  auto resource = [&](std::size_t i) {
    return storage::node_multiple_resource_id(node->self(), static_cast<std::uint32_t>(first + i));
  };

  auto store_range = [&](std::size_t from, std::size_t to) {
    std::vector<double> ms;
    for (std::size_t i = from; i < to; ++i) {
      bool done = false, ok = false;
      const auto t0 = Clock::now();
      node::store(*node, resource(i), bench_kind, {wire::DataValue{true, values[i]}}, 3600s,
                  [&](boost::system::result<node::StoreResult> r) { done = true; ok = r.has_value(); });
      run_until([&] { return done; }, 30s);
      if (ok) ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    return ms;
  };
  auto fetch_range = [&](std::size_t from, std::size_t to) {
    std::vector<double> ms;
    for (std::size_t i = from; i < to; ++i) {
      bool done = false, ok = false;
      const auto t0 = Clock::now();
      wire::StoredDataSpecifier spec;
      spec.kind = bench_kind;
      spec.model_specifier = wire::SingleValueSpecifier{};
      node::fetch(*node, resource(i), {spec}, [&](boost::system::result<node::FetchResult> r) {
        done = true;
        if (!r || r->answer.kind_responses.size() != 1 || r->answer.kind_responses[0].values.size() != 1) return;
        const auto* dv = std::get_if<wire::DataValue>(&r->answer.kind_responses[0].values[0].value);
        ok = dv && dv->exists && wire::equal_bytes(dv->value, values[i]);
      });
      run_until([&] { return done; }, 30s);
      if (ok) ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    return ms;
  };
  store_range(0, warmup);
  fetch_range(0, warmup);
  auto store_ms = store_range(warmup, total);
  node->responsible_peers().clear();
  auto by_resource_ms = fetch_range(warmup, total);
  auto fetch_ms = fetch_range(warmup, total);
  report("store", store_ms, ops);
  report("fetch-by-resource", by_resource_ms, ops);
  report("fetch", fetch_ms, ops);
  bool left = false;
  node->leave([&] { left = true; }, 1s);
  run_until([&] { return left; }, 5s);
  return 0;
}
