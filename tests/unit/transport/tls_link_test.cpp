// TlsLink pairs over real TLS: on the in-memory TestPipe for the faults a peer or network can
// cause, on loopback TCP for memory and threads.
#include "transport/tls_link.hpp"

// g++ 12 at -O2 inlines Asio's coroutine-frame allocation next to its deallocation and then
// reports a mismatch that is not there.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <algorithm>
#include <atomic>
#include <malloc.h>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <doctest/doctest.h>

#include "tls_fixtures.hpp"
#include "transport/test_pipe.hpp"

using namespace reload;
using namespace reload::transport;
using namespace reload::transport::test;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

struct Recorder final : LinkHandler {
  std::vector<wire::Buffer> messages;
  int closed = 0;
  error_code why;
  std::size_t most_queued = 0;  // the link's queued_bytes() seen at each message
  void on_link_message(Link& link, wire::Bytes m) override {
    messages.push_back(wire::to_buffer(m));
    most_queued = std::max(most_queued, static_cast<TlsLink&>(link).queued_bytes());
  }
  void on_link_suspect(Link&) override {}
  void on_link_closed(Link&, error_code e) override {
    ++closed;
    why = e;
  }
};

// Two started links over one TestPipe: `a` dialled Node-ID 0x22 and `b` accepted it.
struct PipePair : TlsPeers {
  std::shared_ptr<asio::ssl::context> a_tls = context_for(0x11), b_tls = context_for(0x22);
  TestPipe pipe;
  std::shared_ptr<TlsLink> a, b;
  Recorder at_a, at_b;

  explicit PipePair(LinkLimits a_limits = {}, std::size_t capacity = 64 * 1024, LinkLimits b_limits = {})
      : pipe(io.get_executor(), capacity) {
    open(a, TlsSocket(pipe.channel(TestPipe::a), *a_tls), asio::ssl::stream_base::client, node(0x22), a_limits);
    open(b, TlsSocket(pipe.channel(TestPipe::b), *b_tls), asio::ssl::stream_base::server, std::nullopt, b_limits);
    run_until([&] { return a && b; });
    a->start(at_a);
    b->start(at_b);
  }

  void open(std::shared_ptr<TlsLink>& into, TlsSocket socket, asio::ssl::stream_base::handshake_type role,
            std::optional<wire::NodeId> expected, LinkLimits limits) {
    asio::co_spawn(io, TlsLink::open(std::move(socket), role, trust, std::move(expected), limits),
                   [&into](std::exception_ptr, boost::system::result<std::shared_ptr<TlsLink>> r) { into = r.value(); });
  }
};

const wire::Buffer message(1000, 0x5a);

}  // namespace

TEST_CASE("a link pair over the test pipe carries messages both ways, and everything is acked") {
  PipePair p;
  for (int i = 0; i < 3; ++i) {
    REQUIRE_FALSE(p.a->send(message));
    REQUIRE_FALSE(p.b->send(message));
  }
  p.run_until([&] { return p.at_a.messages.size() == 3 && p.at_b.messages.size() == 3; });
  p.run_until([&] { return p.a->monitor().unacked() == 0 && p.b->monitor().unacked() == 0; });
  CHECK(p.at_b.messages[2] == message);
  CHECK(p.a->queued_bytes() == 0);
  CHECK(p.a->peer().node_ids.at(0) == node(0x22));
}

TEST_CASE("a peer that never reads loses its link after the write timeout") {
  LinkLimits limits;
  limits.write_timeout = 300ms;
  PipePair p(limits);
  p.pipe.stop_reading(TestPipe::b);
  for (int i = 0; i < 200; ++i) REQUIRE_FALSE(p.a->send(message));  // far more than the pipe holds
  const auto start = std::chrono::steady_clock::now();
  p.run_until([&] { return p.at_a.closed > 0; }, 5s);
  CHECK(std::chrono::steady_clock::now() - start >= 300ms);
  CHECK(p.at_a.why == asio::error::timed_out);
  CHECK_FALSE(p.a->is_open());
  CHECK(p.a->queued_bytes() == 0);  // a closed link gives its queue back
}

TEST_CASE("the ack queue stays within the send bound while the peer never reads") {
  LinkLimits limits;
  limits.max_queued_bytes = 16 * 1024;
  limits.ack_reserve = 4 * 1024;
  limits.write_timeout = 60s;  // out of the way: the bound must act on its own
  PipePair p(limits, 4 * 1024);
  p.pipe.stop_reading(TestPipe::b);
  // b (with the default bound) sends far more frames than a's acks for them can fit in a's
  // bound: a must not ack them all into memory while b reads nothing.
  const wire::Buffer small(16, 1);
  std::size_t sent = 0;
  while (sent < 5000 && !p.b->send(small)) ++sent;
  p.run_until([&] { return p.at_a.closed > 0 || p.at_a.messages.size() == sent; }, 10s);
  CHECK(p.at_a.most_queued <= limits.max_queued_bytes);
  CHECK(p.at_a.why == asio::error::no_buffer_space);
  CHECK(p.at_a.messages.size() < sent);
}

TEST_CASE("send() stops short of the bound, counting the batch the writer is stuck in") {
  LinkLimits limits;
  limits.max_queued_bytes = 64 * 1024;
  limits.ack_reserve = 8 * 1024;
  PipePair p(limits, 4 * 1024);
  p.pipe.stop_reading(TestPipe::b);
  std::size_t accepted = 0;
  for (int i = 0; i < 200; ++i) {
    if (!p.a->send(message)) ++accepted;
    p.run_for(1ms);  // the writer takes what is queued and blocks on the full pipe
  }
  CHECK(p.a->queued_bytes() <= limits.max_queued_bytes - limits.ack_reserve);
  CHECK(accepted < 64);  // not 64 KiB queued plus what the writer took
  CHECK(p.a->send(message) == asio::error::no_buffer_space);
  CHECK(p.a->is_open());
}

TEST_CASE("a write error closes the link with that error, and the handler hears it once") {
  PipePair p;
  p.pipe.fail_write(TestPipe::a, 1, asio::error::connection_reset);
  REQUIRE_FALSE(p.a->send(message));
  p.run_until([&] { return p.at_a.closed > 0; });
  p.run_for(50ms);  // the reader's and the timer's ends come after
  CHECK(p.at_a.closed == 1);
  CHECK(p.at_a.why == asio::error::connection_reset);
  CHECK(p.a->send(message) == asio::error::not_connected);
  p.run_until([&] { return p.at_b.closed > 0; });  // the peer sees the pipe end
}

TEST_CASE("a peer that shuts down its sending side closes the link") {
  PipePair p;
  p.pipe.shutdown_send(TestPipe::b);
  p.run_until([&] { return p.at_a.closed > 0; });
  CHECK(p.at_a.why == asio::ssl::error::stream_truncated);  // no close_notify came first
  p.run_for(50ms);
  CHECK(p.at_a.closed == 1);
}

namespace {

wire::Buffer numbered(std::uint32_t i) {
  wire::Buffer m(100 + (i * 37) % 3000);
  for (std::size_t k = 0; k < m.size(); ++k) m[k] = static_cast<std::uint8_t>(i * 13 + k);
  return m;
}

// Checks that the messages of one link arrive whole and in order; called on its strand.
struct InOrder final : LinkHandler {
  std::uint32_t next = 0;
  std::atomic<int> good{0}, bad{0};
  void on_link_message(Link&, wire::Bytes m) override { (wire::equal_bytes(m, numbered(next++)) ? good : bad)++; }
  void on_link_suspect(Link&) override {}
  void on_link_closed(Link&, error_code) override { ++bad; }
};

}  // namespace

TEST_CASE("links on strands of a thread pool deliver every message whole") {
  // Each link's coroutines may resume on either thread: a read buffer shared by the links of
  // a thread, held across a wait, was written by two links at once.
  TlsPeers net;
  auto a_tls = net.context_for(0x11), b_tls = net.context_for(0x22);
  asio::thread_pool pool(2);
  tcp::acceptor acceptor{pool, {asio::ip::make_address("127.0.0.1"), 0}};
  constexpr std::uint32_t count = 2000;
  std::vector<std::unique_ptr<InOrder>> handlers;
  std::vector<std::pair<std::shared_ptr<TlsLink>, asio::strand<asio::thread_pool::executor_type>>> links;
  for (int pair = 0; pair < 6; ++pair) {
    auto sa = asio::make_strand(pool), sb = asio::make_strand(pool);
    auto dialled = asio::co_spawn(sa, TlsLink::connect(acceptor.local_endpoint(), *a_tls, net.trust, node(0x22), {}),
                                  asio::use_future);
    auto accepted = asio::co_spawn(sb, [&]() -> asio::awaitable<boost::system::result<std::shared_ptr<TlsLink>>> {
      tcp::socket s(sb);
      co_await acceptor.async_accept(s, asio::use_awaitable);
      co_return co_await TlsLink::accept(std::move(s), *b_tls, net.trust, {});
    }, asio::use_future);
    for (const auto& end : {std::pair{dialled.get().value(), sa}, std::pair{accepted.get().value(), sb}}) {
      const auto& [link, strand] = end;
      handlers.push_back(std::make_unique<InOrder>());
      asio::post(strand, [link = end.first, h = handlers.back().get()] {
        link->start(*h);
        for (std::uint32_t i = 0; i < count; ++i)
          if (link->send(numbered(i))) ++h->bad;
      });
      links.emplace_back(link, strand);
    }
  }
  auto tally = [&](auto member) {
    int n = 0;
    for (auto& h : handlers) n += (*h.*member).load();
    return n;
  };
  const int expected = static_cast<int>(count * links.size());
  const auto end = std::chrono::steady_clock::now() + 30s;
  while (tally(&InOrder::good) + tally(&InOrder::bad) < expected && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(10ms);
  CHECK(tally(&InOrder::bad) == 0);
  CHECK(tally(&InOrder::good) == expected);
  for (auto& end : links) asio::post(end.second, [link = end.first] { link->close(); });
  pool.join();  // the handlers outlive every call into them
}

TEST_CASE("heap per idle link, after a handshake and a message each way (TCP)") {
  TlsPeers net;
  auto a_tls = net.context_for(0x11), b_tls = net.context_for(0x22);
  tcp::acceptor acceptor{net.io, {asio::ip::make_address("127.0.0.1"), 0}};
  Recorder handler;
  std::vector<std::shared_ptr<TlsLink>> links;
  auto add_pair = [&] {
    std::optional<boost::system::result<std::shared_ptr<TlsLink>>> a, b;
    asio::co_spawn(net.io, TlsLink::connect(acceptor.local_endpoint(), *a_tls, net.trust, node(0x22), {}),
                   [&](std::exception_ptr, auto r) { a = std::move(r); });
    asio::co_spawn(net.io, [&]() -> asio::awaitable<void> {
      b = co_await TlsLink::accept(co_await acceptor.async_accept(asio::use_awaitable), *b_tls, net.trust, {});
    }, asio::detached);
    net.run_until([&] { return a && b; });
    const std::size_t before = handler.messages.size();
    for (auto& link : {a->value(), b->value()}) {
      link->start(handler);
      REQUIRE_FALSE(link->send(message));
      links.push_back(link);
    }
    net.run_until([&] { return handler.messages.size() == before + 2; });
    net.run_for(20ms);  // the acks
  };
  add_pair();  // OpenSSL's and Asio's one-time allocations happen outside the measure
  malloc_trim(0);
  const auto before = mallinfo2().uordblks;
  for (int i = 0; i < 32; ++i) add_pair();
  const double per_link = static_cast<double>(mallinfo2().uordblks - before) / 64;
  MESSAGE("heap per idle link: " << per_link << " bytes");
  CHECK(per_link < 33 * 1024);
  CHECK(handler.closed == 0);
}
