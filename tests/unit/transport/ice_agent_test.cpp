// IceAgent and the candidate conversion: two real libnice agents on 127.0.0.1, driven by a
// GlibLoop on the test's io_context, exchange their candidates through the RFC 6940 codec and
// carry datagrams or a byte stream.

#include "transport/ice_agent.hpp"

#include <nice/agent.h>

#include <cstring>
#include <filesystem>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>

#include "ice_fixtures.hpp"
#include "transport/glib_loop.hpp"
#include "wire/codec.hpp"

using namespace reload;
using namespace reload::transport;
using namespace reload::transport::test;
using namespace std::chrono_literals;

namespace {

template <class Pred>
bool run_until(asio::io_context& io, Pred done, std::chrono::milliseconds limit = 5s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < end) {
    io.run_for(5ms);
    io.restart();
  }
  return done();
}

// Two agents that gathered, learned each other's offers and reached READY.
struct Pair {
  asio::io_context io;
  GlibLoop loop{io.get_executor()};
  Side a, b;

  explicit Pair(bool reliable) {
    loop.post([&] {
      start(loop, a, loopback(true, reliable), credentials_a);
      start(loop, b, loopback(false, reliable), credentials_b);
    });
    REQUIRE(run_until(io, [&] { return a.offer && b.offer; }));
    loop.post([&] { exchange_offers(a, b); });
    REQUIRE(run_until(io, [&] {
      return a.agent->state() == IceState::ready && b.agent->state() == IceState::ready;
    }));
  }
  ~Pair() {
    a.agent->close();
    b.agent->close();
    run_until(io, [] { return false; }, 20ms);
  }
};

}  // namespace

TEST_CASE("GlibLoop dispatches GLib timeouts and sources attached by a posted function") {
  asio::io_context io;
  GlibLoop loop{io.get_executor()};
  int fired = 0;
  loop.post([&] {
    // Attached from the owning thread: only post()'s fresh iteration notices it.
    GSource* t = g_timeout_source_new(10);
    g_source_set_callback(t, [](gpointer n) -> gboolean { ++*static_cast<int*>(n); return G_SOURCE_REMOVE; }, &fired,
                          nullptr);
    g_source_attach(t, loop.context());
    g_source_unref(t);
  });
  CHECK(run_until(io, [&] { return fired == 1; }, 1s));
  // And from another thread, through GLib's own wake-up descriptor.
  std::thread other([&] {
    g_main_context_invoke(loop.context(), [](gpointer n) -> gboolean { ++*static_cast<int*>(n); return G_SOURCE_REMOVE; },
                          &fired);
  });
  other.join();
  CHECK(run_until(io, [&] { return fired == 2; }, 1s));
}

TEST_CASE("candidates cross the RFC 6940 codec and come back as libnice's") {
  IceCandidateList storage;
  NiceCandidate* srflx = nice_candidate_new(NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE);
  nice_address_set_from_string(&srflx->addr, "192.0.2.7");
  nice_address_set_port(&srflx->addr, 40000);
  nice_address_set_from_string(&srflx->base_addr, "10.0.0.7");
  nice_address_set_port(&srflx->base_addr, 5000);
  srflx->priority = 1694498815;
  std::strcpy(srflx->foundation, "2");
  auto w = to_wire(*srflx, wire::OverlayLinkType::dtls_udp_sr, storage);
  REQUIRE(w);
  CHECK(w->type == wire::CandType::srflx);
  CHECK(wire::to_string(w->addr_port) == "192.0.2.7:40000");
  REQUIRE(w->rel_addr_port);
  CHECK(wire::to_string(*w->rel_addr_port) == "10.0.0.7:5000");
  CHECK(w->extensions.empty());  // UDP: no tcptype

  const auto bytes = wire::encode_to_buffer(*w).value();
  const auto back = wire::decode_exact<wire::IceCandidate>(bytes, {}).value();
  NiceCandidate* n = to_nice(back, 3);
  REQUIRE(n);
  CHECK(n->type == NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE);
  CHECK(n->transport == NICE_CANDIDATE_TRANSPORT_UDP);
  CHECK(n->stream_id == 3);
  CHECK(n->component_id == 1);
  CHECK(n->priority == 1694498815);
  CHECK(std::string_view(n->foundation) == "2");
  CHECK(nice_address_equal(&n->addr, &srflx->addr));
  CHECK(nice_address_equal(&n->base_addr, &srflx->base_addr));
  nice_candidate_free(n);
  nice_candidate_free(srflx);

  SUBCASE("an ICE-TCP candidate carries RFC 6544's tcptype") {
    NiceCandidate* tcp = nice_candidate_new(NICE_CANDIDATE_TYPE_HOST);
    tcp->transport = NICE_CANDIDATE_TRANSPORT_TCP_PASSIVE;
    nice_address_set_from_string(&tcp->addr, "2001:db8::1");
    nice_address_set_port(&tcp->addr, 9);
    std::strcpy(tcp->foundation, "7");
    auto t = to_wire(*tcp, wire::OverlayLinkType::dtls_udp_sr, storage);
    REQUIRE(t);
    REQUIRE(t->extensions.size() == 1);
    CHECK(wire::as_string_view(t->extensions[0].name) == "tcptype");
    CHECK(wire::as_string_view(t->extensions[0].value) == "passive");
    CHECK_FALSE(t->rel_addr_port);
    NiceCandidate* again = to_nice(*t, 1);
    REQUIRE(again);
    CHECK(again->transport == NICE_CANDIDATE_TRANSPORT_TCP_PASSIVE);
    CHECK(nice_address_equal(&again->addr, &tcp->addr));
    nice_candidate_free(again);
    nice_candidate_free(tcp);
  }

  SUBCASE("what ICE cannot use is refused, not guessed") {
    wire::IceCandidate bad = back;
    std::string odd_type_name = "tcptype", odd_type = "sideways";
    bad.extensions = {{wire::as_bytes(odd_type_name), wire::as_bytes(odd_type)}};
    CHECK(to_nice(bad, 1) == nullptr);
    wire::IceCandidate unknown = back;
    unknown.addr_port = wire::UnknownAddress{9, {}};
    CHECK(to_nice(unknown, 1) == nullptr);
    wire::IceCandidate long_foundation = back;
    std::string f(33, 'x');
    long_foundation.foundation = wire::as_bytes(f);
    CHECK(to_nice(long_foundation, 1) == nullptr);
  }
}

TEST_CASE("two non-reliable agents on loopback reach READY and carry datagrams both ways") {
  Pair p(false);
  REQUIRE(p.a.agent->selected_pair());
  CHECK(p.a.agent->selected_pair()->local == wire::CandType::host);
  CHECK_FALSE(p.a.agent->selected_pair()->tcp);
  const wire::Buffer ping{'p', 'i', 'n', 'g'}, pong(1200, 0x5a);
  boost::system::error_code ec;
  CHECK(p.a.agent->send(ping, ec) == ping.size());
  CHECK_FALSE(ec);
  REQUIRE(run_until(p.io, [&] { return p.b.received.size() == 1; }));
  CHECK(p.b.received[0] == ping);
  CHECK(p.b.agent->send(pong, ec) == pong.size());
  REQUIRE(run_until(p.io, [&] { return p.a.received.size() == 1; }));
  CHECK(p.a.received[0] == pong);  // one datagram, not split
}

TEST_CASE("two reliable agents carry a byte stream in order") {
  Pair p(true);
  wire::Buffer data(256 * 1024);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7 + i / 251);
  std::size_t sent = 0;
  auto pump = [&] {
    while (sent < data.size()) {
      boost::system::error_code ec;
      const std::size_t n = p.a.agent->send(std::span(data).subspan(sent, std::min<std::size_t>(16384, data.size() - sent)), ec);
      sent += n;
      if (ec) break;  // full: on_writable continues
    }
  };
  p.a.agent->on_writable(pump);
  p.loop.post(pump);
  REQUIRE(run_until(p.io, [&] { return p.b.stream.size() == data.size(); }, 10s));
  CHECK(p.b.stream == data);
}

TEST_CASE("an agent refuses remote candidates it cannot use") {
  asio::io_context io;
  GlibLoop loop{io.get_executor()};
  Side s;
  loop.post([&] { start(loop, s, loopback(true, false), {"ufragC1", "passwordC0123456789012345"}); });
  REQUIRE(run_until(io, [&] { return s.offer.has_value(); }));
  wire::IceCandidate only_unknown;
  only_unknown.addr_port = wire::UnknownAddress{9, {}};
  std::string f = "1";
  only_unknown.foundation = wire::as_bytes(f);
  bool accepted = true;
  loop.post([&] { accepted = s.agent->set_remote({"uf", "pw0123456789012345678901"}, {only_unknown}); });
  run_until(io, [] { return false; }, 20ms);
  CHECK_FALSE(accepted);
  std::size_t n = 1;
  boost::system::error_code ec;
  loop.post([&] { n = s.agent->send(wire::Buffer{1}, ec); });
  run_until(io, [] { return false; }, 20ms);
  CHECK(n == 0);
  CHECK(ec == boost::system::errc::not_connected);
  s.agent->close();
}

TEST_CASE("closed agents give their sockets back") {
  auto open_descriptors = [] {
    return std::distance(std::filesystem::directory_iterator("/proc/self/fd"), std::filesystem::directory_iterator{});
  };
  asio::io_context io;
  GlibLoop loop{io.get_executor()};
  run_until(io, [] { return false; }, 10ms);
  const auto before = open_descriptors();
  for (int i = 0; i < 5; ++i) {
    Side s;
    loop.post([&] { start(loop, s, loopback(true, false), credentials_a); });
    REQUIRE(run_until(io, [&] { return s.offer.has_value(); }));
    CHECK(open_descriptors() > before);  // the agent's sockets
    loop.post([&] { s.agent.reset(); });
    // nice_agent_close_async finishes in the loop's context (GlibLoop makes it the thread's default).
    run_until(io, [&] { return open_descriptors() == before; }, 1s);
  }
  CHECK(open_descriptors() == before);
}
