// XMPP stream round trips over loopback TLS (src/xmpp StreamSession): alice dials bob's
// StreamAcceptor, both with certificates from an in-process CA; alice sends a small chat
// message, bob's handler echoes it, and alice times the round trip before sending the next.
// Printed: median, p90 and p99 round trip, one message at a time, first with both peers on
// one thread (one io_context: both ends' work is in every round trip), then with each peer
// on its own thread; and echoed messages per second with 64 in flight.
// It prints figures; it is not a test and never fails on a slow machine.
//
//   stream_bench [SECONDS]     (default 2: the time of each phase)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "config/configuration.hpp"
#include "crypto/issuance.hpp"
#include "transport/tls_context.hpp"
#include "xmpp/stream_acceptor.hpp"
#include "xmpp/stream_dial.hpp"
#include "xmpp/xml_writer.hpp"

// g++ 12 at -O2 inlines Asio's coroutine-frame allocation next to its deallocation and then
// reports a mismatch that is not there.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

using namespace reload;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

const std::string overlay = "bench.example.org";

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "stream_bench: %s\n", what);
  std::exit(1);
}

struct Peer {
  transport::TlsIdentity tls;
  wire::NodeId id;
  xmpp::Jid jid;
};

Peer make_peer(const crypto::CertificateAuthority& ca, std::uint8_t first, const std::string& address) {
  auto key = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256).value();
  auto csr = crypto::CertificateRequest::parse(crypto::make_certificate_request(key, "").value()).value();
  wire::Buffer id(16, 0x33);
  id[0] = first;
  crypto::Identity who{{wire::NodeId(id)}, overlay, address, address, {}, {}};
  auto cert = ca.issue(csr, who, 24h);
  if (!cert) die("issuing a certificate");
  auto jid = xmpp::certificate_jid(*cert);
  if (!jid) die("reading the certificate's JID");
  return Peer{{key, *cert}, wire::NodeId(id), *jid};
}

xmpp::Element chat(const std::string& to, const std::string& body) {
  xmpp::Element m(std::string(xmpp::ns::client), "message");
  m.set_attribute("to", to).set_attribute("type", "chat");
  m.add_child(std::string(xmpp::ns::client), "body").add_text(body);
  return m;
}

// Bob: sends every message back to alice.
struct Echo final : xmpp::StreamHandler {
  xmpp::Element reply = chat("alice@example.org", "pong");
  void on_stream_open(xmpp::StreamSession&) override {}
  void on_stanza(xmpp::StreamSession& s, xmpp::Element&&) override {
    if (s.send(reply)) die("echo: send failed");
  }
  void on_stream_closed(xmpp::StreamSession&, const xmpp::stream_event::Closed&) override {}
};

// Alice: counts what comes back and calls `on_reply` for it.
struct Pinger final : xmpp::StreamHandler {
  bool open = false;
  std::function<void()> on_reply = [] {};
  void on_stream_open(xmpp::StreamSession&) override { open = true; }
  void on_stanza(xmpp::StreamSession&, xmpp::Element&&) override { on_reply(); }
  void on_stream_closed(xmpp::StreamSession&, const xmpp::stream_event::Closed&) override {}
};

double quantile(const std::vector<double>& sorted, double q) {
  return sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(q * static_cast<double>(sorted.size())))];
}

Clock::duration seconds_of(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

// One message at a time for `seconds`: round trips in microseconds, sorted. `pump` runs
// alice's loop until its argument says stop.
std::vector<double> round_trips(xmpp::StreamSession& alice, Pinger& pinger, double seconds,
                                const std::function<void(const std::function<bool()>&)>& pump) {
  const auto message = chat("bob@example.org", "ping");
  std::vector<double> us;
  Clock::time_point sent_at;
  bool back = false;
  pinger.on_reply = [&] {
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - sent_at).count());
    back = true;
  };
  // Warm-up: caches, allocator, TCP windows.
  for (int i = 0; i < 200; ++i) {
    back = false;
    sent_at = Clock::now();
    if (alice.send(message)) die("send failed");
    pump([&] { return back; });
  }
  us.clear();
  const auto stop = Clock::now() + seconds_of(seconds);
  while (Clock::now() < stop) {
    back = false;
    sent_at = Clock::now();
    if (alice.send(message)) die("send failed");
    pump([&] { return back; });
  }
  pinger.on_reply = [] {};
  std::sort(us.begin(), us.end());
  return us;
}

// `window` messages in flight for `seconds`: echoed messages per second.
double echo_rate(xmpp::StreamSession& alice, Pinger& pinger, double seconds, std::size_t window,
                 const std::function<void(const std::function<bool()>&)>& pump) {
  const auto message = chat("bob@example.org", "ping");
  std::size_t sent = 0, back = 0;
  bool sending = true;
  pinger.on_reply = [&] {
    ++back;
    if (sending) {
      if (alice.send(message)) die("send failed");
      ++sent;
    }
  };
  for (; sent < window; ++sent)
    if (alice.send(message)) die("send failed");
  const auto start = Clock::now();
  const auto stop = start + seconds_of(seconds);
  pump([&] { return Clock::now() >= stop; });
  const std::size_t counted = back;
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  sending = false;
  pump([&] { return back == sent; });  // drain
  pinger.on_reply = [] {};
  return static_cast<double>(counted) / elapsed;
}

void print_round_trips(const char* what, const std::vector<double>& us) {
  if (us.empty()) die("no round trips measured");
  std::printf("%-34s p50 %6.1f us  p90 %6.1f us  p99 %6.1f us  (%zu round trips)\n", what,
              quantile(us, 0.5), quantile(us, 0.9), quantile(us, 0.99), us.size());
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  auto ca = crypto::CertificateAuthority::create("Bench CA", crypto::KeyType::ecdsa_p256, 24h);
  if (!ca) die("making the CA");
  config::Configuration c;
  c.instance_name = overlay;
  c.root_certs = {ca->certificate()};
  const Peer alice = make_peer(*ca, 0x10, "alice@example.org");
  const Peer bob = make_peer(*ca, 0x20, "bob@example.org");
  auto alice_tls = transport::make_tls_context(alice.tls).value();
  auto bob_tls = transport::make_tls_context(bob.tls).value();
  // One trust cache per thread: a cache belongs to one executor (certificate_cache.hpp).
  crypto::CertificateCache alice_trust{crypto::TrustStore(c.trust_policy())};
  crypto::CertificateCache bob_trust{crypto::TrustStore(c.trust_policy())};

  std::printf("message: <message to type><body>ping</body></message>, %zu bytes on the stream; "
              "TLS 1.3, ECDSA P-256 certificates\n",
              xmpp::to_xml(chat("bob@example.org", "ping")).value().size());

  for (const bool two_threads : {false, true}) {
    asio::io_context alice_io(1);
    asio::io_context bob_own_io(1);
    asio::io_context& bob_io = two_threads ? bob_own_io : alice_io;
    auto bob_work = asio::make_work_guard(bob_own_io);
    std::thread bob_thread;
    if (two_threads) bob_thread = std::thread([&] { bob_own_io.run(); });

    Echo echo;
    std::vector<std::shared_ptr<xmpp::StreamSession>> bob_sessions;
    auto acceptor = std::make_shared<xmpp::StreamAcceptor>(bob_io.get_executor(), *bob_tls, bob_trust, bob.jid);
    if (acceptor->listen({asio::ip::make_address("127.0.0.1"), 0})) die("listening");
    acceptor->start([&](boost::system::result<std::shared_ptr<xmpp::StreamSession>> s) {
      if (!s) die("bob refused alice");
      bob_sessions.push_back(*s);
      (*s)->start(echo);
    });

    auto pump = [&](const std::function<bool()>& done) {
      const auto limit = Clock::now() + 30s;
      while (!done()) {
        if (alice_io.stopped()) alice_io.restart();
        alice_io.run_one_for(100ms);
        if (Clock::now() > limit) die("timed out");
      }
    };

    std::optional<boost::system::result<std::shared_ptr<xmpp::StreamSession>>> dialled;
    asio::co_spawn(alice_io, [&]() -> asio::awaitable<void> {
      dialled = co_await xmpp::dial_stream({acceptor->local_endpoint(), bob.id}, *alice_tls, alice_trust,
                                           alice.jid);
    }, asio::detached);
    pump([&] { return dialled.has_value(); });
    if (!*dialled) die("dialling bob");
    auto session = **dialled;
    Pinger pinger;
    session->start(pinger);
    pump([&] { return pinger.open; });

    const char* label = two_threads ? "round trip, a thread per peer:" : "round trip, both peers on one thread:";
    print_round_trips(label, round_trips(*session, pinger, seconds, pump));
    std::printf("%-34s %8.0f messages/s echoed, 64 in flight\n", "",
                echo_rate(*session, pinger, seconds, 64, pump));

    session->close();
    pump([&] { return session->transport_closed(); });
    asio::post(bob_io, [&] { acceptor->stop(); });
    if (two_threads) {
      bob_work.reset();
      bob_thread.join();
    } else {
      alice_io.run_for(50ms);
    }
  }
  return 0;
}
