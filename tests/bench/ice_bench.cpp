// ICE flows with (D)TLS on loopback, the pieces an AppAttach and a DTLS-UDP-SR link are made
// of: two libnice agents on the ICE executor's thread (src/transport/ice_executor), their
// flows as channels on the main thread, and TlsSocket over them with certificates from an
// in-process CA. Printed:
//   - set-up: from creating the agents to a finished TLS 1.3 handshake over pseudo-TCP
//     (gathering, checks, TLS), p50/p90/p99, and the ICE part alone;
//   - a byte stream: MB/s of 64 MiB through TLS over pseudo-TCP, one way;
//   - datagrams: 100-byte DTLS records one way, sent as fast as the channel takes them and
//     counted as received (no reliability above DTLS here, so this is the ceiling a
//     DTLS-UDP-SR link works under, not its rate);
//   - a DTLS-UDP-SR link (DtlsSrLink): 100-byte messages one way for 2 s, as many as its
//     window takes, counted as delivered.
// It prints figures; it is not a test and never fails on a slow machine.
//
//   - idle DTLS-UDP-SR links: the resident memory each link end adds (its agent, socket,
//     DTLS session and channel), over IDLE-PAIRS pairs.
//
//   ice_bench [SET-UPS] [STREAM-MIB] [IDLE-PAIRS]    (defaults 50, 64 and 50)
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "crypto/issuance.hpp"
#include "crypto/certificate_cache.hpp"
#include "transport/dtls_sr_link.hpp"
#include "transport/glib_loop.hpp"
#include "transport/ice_agent.hpp"
#include "transport/ice_channel.hpp"
#include "transport/ice_executor.hpp"
#include "transport/tls_context.hpp"
#include "transport/tls_socket.hpp"

// g++ 12 at -O2 inlines Asio's coroutine-frame allocation next to its deallocation and then
// reports a mismatch that is not there.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

using namespace reload;
using namespace reload::transport;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "ice_bench: %s\n", what);
  std::exit(1);
}

struct Certificates {
  crypto::CertificateAuthority ca =
      crypto::CertificateAuthority::create("ICE bench CA", crypto::KeyType::ecdsa_p256, 24h).value();
  crypto::CertificateCache trust{crypto::TrustStore(crypto::TrustPolicy{"ice.example.org", {ca.certificate()}})};

  std::shared_ptr<asio::ssl::context> context(std::uint8_t fill, TlsFlavor flavor) const {
    auto key = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256).value();
    auto csr = crypto::CertificateRequest::parse(crypto::make_certificate_request(key, "").value()).value();
    wire::NodeId id(wire::Buffer(16, fill));
    crypto::Identity who{{id}, "ice.example.org", "bench@ice.example.org", std::nullopt, {}, {}};
    return make_tls_context({key, ca.issue(csr, who, 24h).value()}, flavor).value();
  }
};

// Two agents on the ICE thread that find each other; `ready` runs on the ICE thread with
// both flows as channels on `node`.
struct Connection {
  std::shared_ptr<IceAgent> a, b;
  std::optional<IceCandidateList> offer_a, offer_b;
  std::unique_ptr<ByteChannel> channel_a, channel_b;
  Clock::time_point ice_ready;
};

void connect(IceExecutor& ice_ref, asio::io_context& node_ref, bool reliable, Connection& c_ref,
             std::function<void()> ready) {
  // Pointers, copied into every handler: the handlers outlive this call and the posted one.
  IceExecutor* ice = &ice_ref;
  asio::io_context* node = &node_ref;
  Connection* c = &c_ref;
  ice->loop().post([ice, node, reliable, c, ready = std::move(ready)] {
    auto options = [reliable](bool controlling) {
      IceAgentOptions o;
      o.reliable = reliable;
      o.controlling = controlling;
      o.stun_pacing = 5ms;
      o.local_addresses = {asio::ip::make_address("127.0.0.1")};
      return o;
    };
    const IceCredentials ca{"benchA1", "benchpasswordA0123456789"}, cb{"benchB1", "benchpasswordB0123456789"};
    error_code ec;
    c->a = IceAgent::create(ice->loop(), options(true), ca, ec);
    c->b = IceAgent::create(ice->loop(), options(false), cb, ec);
    if (!c->a || !c->b) die("libnice refused an agent");
    auto both_ready = [ice, node, c, ready](IceState s) {
      if (s == IceState::failed) die("ICE failed on loopback");
      if (c->channel_a || c->a->state() != IceState::ready || c->b->state() != IceState::ready) return;
      c->ice_ready = Clock::now();
      c->channel_a = make_ice_channel(c->a, ice->loop(), node->get_executor());
      c->channel_b = make_ice_channel(c->b, ice->loop(), node->get_executor());
      ready();
    };
    c->a->on_state(both_ready);
    c->b->on_state(both_ready);
    auto gathered = [c, ca, cb](std::optional<IceCandidateList>* into) {
      return [c, into, ca, cb](error_code e, IceCandidateList list) {
        if (e) die("no candidates");
        *into = std::move(list);
        if (!c->offer_a || !c->offer_b) return;
        if (!c->a->set_remote(cb, c->offer_b->candidates) || !c->b->set_remote(ca, c->offer_a->candidates))
          die("candidates refused");
      };
    };
    c->a->gather(gathered(&c->offer_a));
    c->b->gather(gathered(&c->offer_b));
  });
}

// Runs `node` until `done` holds.
template <class Done>
void run_until(asio::io_context& node, Done done) {
  const auto give_up = Clock::now() + 30s;
  while (!done()) {
    if (Clock::now() > give_up) die("timed out");
    node.restart();
    node.run_for(1ms);
  }
}

std::pair<std::unique_ptr<TlsSocket>, std::unique_ptr<TlsSocket>> handshake(asio::io_context& node, Connection& c,
                                                                              asio::ssl::context& client_tls,
                                                                              asio::ssl::context& server_tls) {
  auto client = std::make_unique<TlsSocket>(std::move(c.channel_a), client_tls);
  auto server = std::make_unique<TlsSocket>(std::move(c.channel_b), server_tls);
  std::optional<error_code> ce, se;
  asio::co_spawn(node, [&]() -> asio::awaitable<void> { ce = co_await client->handshake(asio::ssl::stream_base::client); }, asio::detached);
  asio::co_spawn(node, [&]() -> asio::awaitable<void> { se = co_await server->handshake(asio::ssl::stream_base::server); }, asio::detached);
  run_until(node, [&] { return ce && se; });
  if (*ce || *se) die("handshake failed");
  return {std::move(client), std::move(server)};
}

// The agents belong to the ICE thread: drop them there.
void release(IceExecutor& ice, asio::io_context& node, Connection& c) {
  bool released = false;
  ice.loop().post([&] {
    c.a.reset();
    c.b.reset();
    asio::post(node, [&] { released = true; });
  });
  run_until(node, [&] { return released; });
}

// Two agents on loopback connected as datagram flows, then a DTLS-UDP-SR link over each end.
std::pair<std::shared_ptr<DtlsSrLink>, std::shared_ptr<DtlsSrLink>> dtls_sr_links(
    IceExecutor& ice, asio::io_context& node, Connection& c, crypto::CertificateCache& trust,
    asio::ssl::context& server_tls, asio::ssl::context& client_tls) {
  bool ready = false;
  connect(ice, node, false, c, [&] { asio::post(node, [&] { ready = true; }); });
  run_until(node, [&] { return ready; });
  std::optional<boost::system::result<std::shared_ptr<DtlsSrLink>>> la, lb;
  asio::co_spawn(node, DtlsSrLink::open(TlsSocket(std::move(c.channel_a), server_tls), asio::ssl::stream_base::server,
                                        trust, std::nullopt, {}, 1ms),
                 [&](std::exception_ptr, auto r) { la = std::move(r); });
  asio::co_spawn(node, DtlsSrLink::open(TlsSocket(std::move(c.channel_b), client_tls), asio::ssl::stream_base::client,
                                        trust, std::nullopt, {}, 1ms),
                 [&](std::exception_ptr, auto r) { lb = std::move(r); });
  run_until(node, [&] { return la && lb; });
  if (!*la || !*lb) die("DTLS-UDP-SR link set-up failed");
  return {la->value(), lb->value()};
}

std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  const int setups = argc > 1 ? std::atoi(argv[1]) : 50;
  const std::size_t stream_mib = argc > 2 ? static_cast<std::size_t>(std::atoi(argv[2])) : 64;
  const int idle_pairs = argc > 3 ? std::atoi(argv[3]) : 50;
  Certificates certs;
  auto tls_client = certs.context(0x11, TlsFlavor::tls), tls_server = certs.context(0x22, TlsFlavor::tls);
  auto dtls_client = certs.context(0x11, TlsFlavor::dtls), dtls_server = certs.context(0x22, TlsFlavor::dtls);
  asio::io_context node;
  IceExecutor ice;

  std::vector<double> total_ms, ice_ms;
  for (int i = 0; i < setups; ++i) {
    Connection c;
    bool ready = false;
    const auto start = Clock::now();
    connect(ice, node, true, c, [&] { asio::post(node, [&] { ready = true; }); });
    run_until(node, [&] { return ready; });
    auto [client, server] = handshake(node, c, *tls_client, *tls_server);
    const auto end = Clock::now();
    total_ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    ice_ms.push_back(std::chrono::duration<double, std::milli>(c.ice_ready - start).count());
    client.reset();
    server.reset();
    release(ice, node, c);
  }
  // Closed agents give their sockets back (a leak of four a set-up once showed here).
  std::printf("descriptors open after the set-ups: %zu\n",
              static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator("/proc/self/fd"), {})));
  std::printf("set-up, pseudo-TCP flow to a finished TLS 1.3 handshake, %d times: p50 %.2f ms, p90 %.2f, p99 %.2f"
              " (ICE ready alone: p50 %.2f, p99 %.2f)\n",
              setups, quantile(total_ms, 0.5), quantile(total_ms, 0.9), quantile(total_ms, 0.99),
              quantile(ice_ms, 0.5), quantile(ice_ms, 0.99));

  {  // A byte stream, one way.
    Connection c;
    bool ready = false;
    connect(ice, node, true, c, [&] { asio::post(node, [&] { ready = true; }); });
    run_until(node, [&] { return ready; });
    auto [client, server] = handshake(node, c, *tls_client, *tls_server);
    const std::size_t total = stream_mib * 1024 * 1024;
    std::vector<std::uint8_t> chunk(16 * 1024, 0x5a);
    std::size_t received = 0;
    bool wrote = false;
    const auto start = Clock::now();
    asio::co_spawn(node, [&]() -> asio::awaitable<void> {
      for (std::size_t sent = 0; sent < total; sent += chunk.size())
        if (co_await client->write_all(chunk)) die("write failed");
      wrote = true;
    }, asio::detached);
    asio::co_spawn(node, [&]() -> asio::awaitable<void> {
      while (received < total) {
        if (co_await server->read_some([&](std::span<const std::uint8_t> b) { received += b.size(); })) die("read failed");
      }
    }, asio::detached);
    run_until(node, [&] { return wrote && received >= total; });
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("byte stream, TLS 1.3 over pseudo-TCP: %zu MiB in %.2f s, %.1f MB/s\n", stream_mib, s,
                static_cast<double>(total) / s / 1e6);
    client.reset();
    server.reset();
    release(ice, node, c);
  }

  {  // Datagrams, one way.
    Connection c;
    bool ready = false;
    connect(ice, node, false, c, [&] { asio::post(node, [&] { ready = true; }); });
    run_until(node, [&] { return ready; });
    auto [client, server] = handshake(node, c, *dtls_client, *dtls_server);
    std::vector<std::uint8_t> message(100, 0x33);
    std::size_t sent = 0, received = 0;
    bool sending = true;
    const auto start = Clock::now();
    const auto stop = start + 2s;
    asio::co_spawn(node, [&]() -> asio::awaitable<void> {
      while (Clock::now() < stop) {
        if (co_await client->write_all(message)) die("DTLS write failed");
        ++sent;
      }
      sending = false;
    }, asio::detached);
    asio::co_spawn(node, [&]() -> asio::awaitable<void> {
      for (;;) {
        if (co_await server->read_some([&](std::span<const std::uint8_t>) { ++received; })) co_return;
      }
    }, asio::detached);
    run_until(node, [&] { return !sending; });
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    run_until(node, [&, until = Clock::now() + 200ms] { return Clock::now() > until; });  // stragglers
    std::printf("datagrams, 100-byte DTLS 1.2 records one way for %.1f s: %zu sent (%.0f/s), %zu received (%.0f/s)\n", s,
                sent, static_cast<double>(sent) / s, received, static_cast<double>(received) / s);
    client->close();
    server->close();
    run_until(node, [&, until = Clock::now() + 20ms] { return Clock::now() > until; });
    client.reset();
    server.reset();
    release(ice, node, c);
  }
  {  // A DTLS-UDP-SR link, one way.
    Connection c;
    auto [sender, receiver] = dtls_sr_links(ice, node, c, certs.trust, *dtls_client, *dtls_server);
    struct Counter final : LinkHandler {
      std::size_t delivered = 0;
      void on_link_message(Link&, wire::Bytes) override { ++delivered; }
      void on_link_suspect(Link&) override {}
      void on_link_closed(Link&, error_code why) override {
        if (why) die("the DTLS-UDP-SR link closed");
      }
    } sink, source;
    sender->start(source);
    receiver->start(sink);
    std::vector<std::uint8_t> message(100, 0x44);
    std::size_t accepted = 0;
    const auto start = Clock::now();
    while (Clock::now() < start + 2s) {
      while (!sender->send(message)) ++accepted;  // until the queue is full
      node.restart();
      node.run_for(1ms);
    }
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    const std::size_t delivered = sink.delivered;
    std::printf("DTLS-UDP-SR link, 100-byte messages one way for %.1f s: %zu taken by send(), %zu delivered (%.0f/s);"
                " at the end a window of %zu messages and an RTO of %lld ms\n",
                s, accepted, delivered, static_cast<double>(delivered) / s, sender->sender().window(),
                static_cast<long long>(sender->sender().rto().count()));
    sender->close();
    receiver->close();
    run_until(node, [&, until = Clock::now() + 20ms] { return Clock::now() > until; });
    release(ice, node, c);
  }
  {  // Idle DTLS-UDP-SR links: what each costs in resident memory, agents and sockets included.
    struct Idle final : LinkHandler {
      void on_link_message(Link&, wire::Bytes) override {}
      void on_link_suspect(Link&) override {}
      void on_link_closed(Link&, error_code) override {}
    } idle;
    std::vector<std::unique_ptr<Connection>> connections;
    std::vector<std::shared_ptr<DtlsSrLink>> links;
    const std::size_t before = resident_bytes();
    for (int i = 0; i < idle_pairs; ++i) {
      auto& c = *connections.emplace_back(std::make_unique<Connection>());
      auto [a, b] = dtls_sr_links(ice, node, c, certs.trust, *dtls_client, *dtls_server);
      for (auto& l : {a, b}) {
        links.push_back(l);
        l->start(idle);
      }
    }
    run_until(node, [&, until = Clock::now() + 1s] { return Clock::now() > until; });  // idle: buffers released
    const std::size_t after = resident_bytes();
    std::printf("idle DTLS-UDP-SR links: %zu link ends (each with its libnice agent, socket, DTLS session and"
                " channel), resident memory %.1f KiB more each\n",
                links.size(), static_cast<double>(after - before) / 1024.0 / static_cast<double>(links.size()));
    for (auto& l : links) l->close();
    run_until(node, [&, until = Clock::now() + 20ms] { return Clock::now() > until; });
    links.clear();
    for (auto& c : connections) release(ice, node, *c);
  }
  return 0;
}
