// Forwarding through one intermediate peer on loopback (issue 4): a source and a sink, each
// a bare TLS link, and between them a real OverlayNode (the relay) on its own thread. The
// source sends a signed Ping addressed to the sink's Node-ID to the relay; the relay reads
// the forwarding header, appends the source to the via list and sends it on (DESIGN.md
// principle 4: it never decodes the body nor checks the signature). Printed: messages per
// second through the relay (and over a direct link, for scale), the one-way latency of one
// message at a time relayed and direct, and from those the latency per hop.
//
//   forward_bench [SECONDS]     (default 2: the time of each throughput and latency phase)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "crypto/issuance.hpp"
#include "node/message_builder.hpp"
#include "node/overlay_node.hpp"
#include "wire/codec.hpp"
#include "wire/hashes.hpp"
#include "wire/ping.hpp"

using namespace reload;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "forward_bench: %s\n", what);
  std::exit(1);
}

struct Peer {
  transport::TlsIdentity tls;
  wire::NodeId node_id;
};

Peer make_peer(const crypto::CertificateAuthority& ca, const std::string& overlay, std::uint8_t first_byte) {
  auto key = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256).value();
  auto csr = crypto::CertificateRequest::parse(crypto::make_certificate_request(key, "").value()).value();
  wire::Buffer id(16, 0x11);
  id[0] = first_byte;
  wire::NodeId node_id(id);
  crypto::Identity who{{node_id}, overlay, "bench@" + overlay, std::nullopt, {}, {}};
  auto cert = ca.issue(csr, who, 24h);
  if (!cert) die("issuing a certificate");
  return Peer{{key, *cert}, node_id};
}

// Counts what arrives and calls `on_message` for each.
struct Endpoint final : transport::LinkHandler {
  std::function<void()> on_message = [] {};
  bool closed = false;
  void on_link_message(transport::Link&, wire::Bytes) override { on_message(); }
  void on_link_suspect(transport::Link&) override {}
  void on_link_closed(transport::Link&, boost::system::error_code) override { closed = true; }
};

struct Bench {
  asio::io_context io{1};
  crypto::CertificateCache trust;
  transport::LinkLimits limits;

  explicit Bench(const config::Configuration& c) : trust(crypto::TrustStore(c.trust_policy())) {
    limits.max_message_size = c.max_message_size;
  }

  std::shared_ptr<transport::TlsLink> connect(asio::ssl::context& tls, asio::ip::tcp::endpoint to,
                                              const wire::NodeId& expected) {
    std::optional<boost::system::result<std::shared_ptr<transport::TlsLink>>> made;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      made = co_await transport::TlsLink::connect(to, tls, trust, expected, limits);
    }, asio::detached);
    while (!made) io.run_one();
    if (!*made) die("connecting");
    return **made;
  }

  void run_until(const std::function<bool()>& done, Clock::duration limit) {
    auto end = Clock::now() + limit;
    while (!done() && Clock::now() < end) io.run_for(5ms);
    if (!done()) die("timed out");
  }

  // Keeps `window` messages in flight from `source` until `seconds` passed, in five rounds;
  // returns {median, best} messages per second arriving at `sink`.
  std::pair<double, double> throughput(transport::TlsLink& source, Endpoint& sink, wire::Bytes message,
                                       double seconds, std::size_t window) {
    std::vector<double> rates;
    for (int round = 0; round < 5; ++round) {
      std::size_t sent = 0, arrived = 0;
      sink.on_message = [&] {
        ++arrived;
        if (source.send(message)) die("source queue full");
        ++sent;
      };
      for (; sent < window; ++sent) source.send(message);
      auto start = Clock::now();
      auto stop = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds / 5));
      while (Clock::now() < stop) io.run_for(2ms);
      const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
      const std::size_t counted = arrived;
      sink.on_message = [&] { ++arrived; };
      run_until([&] { return arrived == sent; }, 10s);  // drain before the next round
      rates.push_back(static_cast<double>(counted) / elapsed);
    }
    std::sort(rates.begin(), rates.end());
    return {rates[2], rates[4]};
  }

  // One message at a time for `seconds`: the one-way latencies in microseconds, sorted.
  std::vector<double> latencies(transport::TlsLink& source, Endpoint& sink, wire::Bytes message, double seconds) {
    std::vector<double> us;
    Clock::time_point sent_at;
    bool arrived = false;
    sink.on_message = [&] {
      us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - sent_at).count());
      arrived = true;
    };
    auto stop = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    while (Clock::now() < stop) {
      arrived = false;
      sent_at = Clock::now();
      source.send(message);
      while (!arrived) io.run_one();
    }
    std::sort(us.begin(), us.end());
    return us;
  }
};

double quantile(const std::vector<double>& sorted, double q) {
  return sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(q * static_cast<double>(sorted.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const std::string overlay = "bench.example.org";
  auto ca = crypto::CertificateAuthority::create("Bench CA", crypto::KeyType::ecdsa_p256, 24h);
  if (!ca) die("making the CA");
  config::Configuration c;
  c.instance_name = overlay;
  c.root_certs = {ca->certificate()};
  c.sequence = 1;
  auto relay = make_peer(*ca, overlay, 0x80), source = make_peer(*ca, overlay, 0x10),
       sink = make_peer(*ca, overlay, 0x40);

  // The relay: a real node, alone in its overlay, on its own thread.
  asio::io_context relay_io(1);
  auto node = node::OverlayNode::create(
      relay_io.get_executor(),
      node::NodeOptions{c, relay.tls, relay.node_id, {asio::ip::make_address("127.0.0.1"), 0}, {}, 1, nullptr, {}, {}});
  if (!node) die("creating the relay");
  if ((*node)->start(true)) die("starting the relay");
  const auto relay_at = (*node)->listen_endpoint();
  auto work = asio::make_work_guard(relay_io);
  std::thread relay_thread([&] { relay_io.run(); });

  Bench b(c);
  auto source_tls = transport::make_tls_context(source.tls).value();
  auto sink_tls = transport::make_tls_context(sink.tls).value();
  Endpoint source_end, sink_end;
  auto to_relay = b.connect(*source_tls, relay_at, relay.node_id);
  auto sink_link = b.connect(*sink_tls, relay_at, relay.node_id);
  to_relay->start(source_end);
  sink_link->start(sink_end);

  // A signed Ping for the sink, as the source would send it.
  node::Envelope e;
  e.overlay = wire::overlay_hash(overlay);
  e.configuration_sequence = 1;
  e.ttl = 100;
  e.transaction_id = 7;
  e.destinations = {sink.node_id};
  auto signer = crypto::Signer::make(source.tls.key, source.tls.certificate, source.node_id).value();
  auto ping = wire::encode_to_buffer(wire::PingReq{}).value();
  auto message = node::build_message(e, static_cast<std::uint16_t>(wire::MessageCode::ping_req), ping, signer).value();

  // The relay learns of both links on its own thread: send until the first one arrives.
  bool first = false;
  sink_end.on_message = [&] { first = true; };
  for (int i = 0; i < 200 && !first; ++i) {
    to_relay->send(message);
    b.io.run_for(10ms);
  }
  if (!first) die("the relay forwards nothing");
  b.io.run_for(100ms);

  std::printf("message: a signed Ping (ECDSA P-256, certificate carried), %zu bytes; window 128\n", message.size());
  auto relayed = b.throughput(*to_relay, sink_end, message, seconds, 128);
  std::printf("forwarded through one intermediate: %8.0f msg/s median, %8.0f best of 5\n", relayed.first,
              relayed.second);
  auto relayed_lat = b.latencies(*to_relay, sink_end, message, seconds);

  // The same endpoints over a direct link, for scale: the sink listens, the source dials it.
  auto listener = std::make_shared<transport::Listener>(b.io.get_executor(), *sink_tls, b.trust, b.limits);
  if (listener->listen({asio::ip::make_address("127.0.0.1"), 0})) die("listening");
  std::shared_ptr<transport::TlsLink> sink_direct;
  Endpoint sink_direct_end;
  listener->start([&](auto l) {
    if (l) {
      sink_direct = *l;
      sink_direct->start(sink_direct_end);
    }
  });
  auto direct = b.connect(*source_tls, listener->local_endpoint(), sink.node_id);
  Endpoint direct_end;
  direct->start(direct_end);
  b.run_until([&] { return sink_direct != nullptr; }, 10s);
  auto direct_rate = b.throughput(*direct, sink_direct_end, message, seconds, 128);
  std::printf("over one direct link (no relay):   %8.0f msg/s median, %8.0f best of 5\n", direct_rate.first,
              direct_rate.second);
  auto direct_lat = b.latencies(*direct, sink_direct_end, message, seconds);

  std::printf("one-way latency, one message at a time (%zu relayed, %zu direct samples):\n", relayed_lat.size(),
              direct_lat.size());
  std::printf("  relayed (2 hops): p50 %6.1f us  p90 %6.1f us  p99 %6.1f us\n", quantile(relayed_lat, 0.5),
              quantile(relayed_lat, 0.9), quantile(relayed_lat, 0.99));
  std::printf("  direct  (1 hop):  p50 %6.1f us  p90 %6.1f us  p99 %6.1f us\n", quantile(direct_lat, 0.5),
              quantile(direct_lat, 0.9), quantile(direct_lat, 0.99));
  std::printf("  per hop (relayed p50 / 2): %.1f us; the relay adds %.1f us over two bare links\n",
              quantile(relayed_lat, 0.5) / 2, quantile(relayed_lat, 0.5) - 2 * quantile(direct_lat, 0.5));

  listener->stop();
  to_relay->close();
  sink_link->close();
  direct->close();
  if (sink_direct) sink_direct->close();
  b.io.run_for(50ms);
  asio::post(relay_io, [&] { (*node)->leave([&] { work.reset(); relay_io.stop(); }, 0ms); });
  relay_thread.join();
  return 0;
}
