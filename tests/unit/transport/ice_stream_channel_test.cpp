// TLS over an ICE byte stream: two reliable libnice agents on the ICE executor's thread,
// their flows as ByteChannels on the test's io_context, and the same TlsSocket that runs
// overlay links over TCP on top (DESIGN.md principle 3).
#include "transport/ice_stream_channel.hpp"

// g++ 12 at -O2 inlines Asio's coroutine-frame allocation next to its deallocation and then
// reports a mismatch that is not there.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <future>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <doctest/doctest.h>
#include <openssl/ssl.h>

#include "ice_fixtures.hpp"
#include "tls_fixtures.hpp"
#include "transport/ice_executor.hpp"
#include "transport/tls_socket.hpp"

using namespace reload;
using namespace reload::transport;
using namespace reload::transport::test;
using boost::system::error_code;

namespace {

// Runs `f` on the ICE thread and returns what it returns.
template <class F>
auto on_ice(IceExecutor& ice, F f) {
  std::packaged_task<decltype(f())()> task(std::move(f));
  auto result = task.get_future();
  ice.loop().post([&task] { task(); });
  return result.get();
}

template <class F>
bool eventually(F f, std::chrono::milliseconds limit = 5s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!f() && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(2ms);
  return f();
}

struct IceTls : TlsPeers {
  // What the ICE thread posts must run even while nothing else waits on the io_context.
  asio::executor_work_guard<asio::io_context::executor_type> busy = asio::make_work_guard(io);
  IceExecutor ice;
  Side a, b;
  std::unique_ptr<ByteChannel> channel_a, channel_b;

  IceTls() {
    on_ice(ice, [&] {
      start(ice.loop(), a, loopback(true, true), credentials_a);
      start(ice.loop(), b, loopback(false, true), credentials_b);
      return 0;
    });
    REQUIRE(eventually([&] { return on_ice(ice, [&] { return a.offer && b.offer; }); }));
    on_ice(ice, [&] {
      exchange_offers(a, b);
      return 0;
    });
    REQUIRE(eventually([&] {
      return on_ice(ice, [&] { return a.agent->state() == IceState::ready && b.agent->state() == IceState::ready; });
    }));
    std::tie(channel_a, channel_b) = on_ice(ice, [&] {
      return std::pair(make_ice_stream_channel(a.agent, ice.loop(), io.get_executor()),
                       make_ice_stream_channel(b.agent, ice.loop(), io.get_executor()));
    });
  }
  ~IceTls() {
    // The agents belong to the ICE thread: the channels close theirs there, and these
    // references go there too.
    channel_a.reset();
    channel_b.reset();
    on_ice(ice, [&] {
      a.agent.reset();
      b.agent.reset();
      return 0;
    });
  }
};

}  // namespace

TEST_CASE("TLS 1.3 with both certificates runs over a pseudo-TCP flow and carries 1 MiB in order") {
  IceTls t;
  auto client_tls = t.context_for(0x11), server_tls = t.context_for(0x22);
  TlsSocket client(std::move(t.channel_a), *client_tls), server(std::move(t.channel_b), *server_tls);
  std::optional<error_code> client_hs, server_hs;
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { client_hs = co_await client.handshake(asio::ssl::stream_base::client); }, asio::detached);
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { server_hs = co_await server.handshake(asio::ssl::stream_base::server); }, asio::detached);
  t.run_until([&] { return client_hs && server_hs; }, 10s);
  REQUIRE_FALSE(*client_hs);
  REQUIRE_FALSE(*server_hs);
  CHECK(SSL_version(client.native_handle()) == TLS1_3_VERSION);
  CHECK(SSL_get0_peer_certificate(server.native_handle()) != nullptr);  // mutual

  wire::Buffer data(1024 * 1024);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 13 + i / 509);
  std::optional<error_code> wrote;
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { wrote = co_await client.write_all(data); }, asio::detached);
  wire::Buffer got;
  std::optional<error_code> read_failed;
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> {
    std::array<std::uint8_t, 16384> buf;
    while (got.size() < data.size()) {
      std::size_t n = 0;
      if (auto ec = co_await server.read_some(buf, n)) {
        read_failed = ec;
        co_return;
      }
      got.insert(got.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    }
  }, asio::detached);
  t.run_until([&] { return got.size() == data.size() || read_failed; }, 20s);
  CHECK_FALSE(read_failed);
  CHECK(got == data);
  REQUIRE(wrote);
  CHECK_FALSE(*wrote);
  client.close();
  server.close();
  t.run_for(20ms);
}

TEST_CASE("a closed channel ends its waits and refuses reads and writes") {
  IceTls t;
  std::optional<error_code> waited;
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { waited = co_await t.channel_b->wait(asio::socket_base::wait_read); }, asio::detached);
  t.run_for(10ms);
  CHECK_FALSE(waited);  // nothing sent yet
  t.channel_b->close();
  t.run_until([&] { return waited.has_value(); }, 1s);
  CHECK(*waited == asio::error::operation_aborted);
  error_code ec;
  std::array<std::uint8_t, 4> buf{};
  CHECK(t.channel_b->read_some(buf, ec) == 0);
  CHECK(ec == asio::error::bad_descriptor);
  CHECK(t.channel_b->write_some(buf, ec) == 0);
  CHECK(ec == asio::error::bad_descriptor);
}

TEST_CASE("a stalled reader's inbox is bounded: past max_unread the channel fails, it does not grow") {
  IceTls t;
  // B's flow, taken over by a channel with a small inbox (closing channel_b would close the agent).
  auto small = on_ice(t.ice, [&] {
    return make_ice_stream_channel(t.b.agent, t.ice.loop(), t.io.get_executor(), IceStreamLimits{256 * 1024, 64 * 1024});
  });
  // A sends 256 KiB that B never reads.
  wire::Buffer data(256 * 1024, 0x42);
  std::size_t sent = 0;
  t.run_until([&] {
    error_code ec;
    if (sent < data.size()) sent += t.channel_a->write_some(std::span(data).subspan(sent), ec);
    error_code failed;  // a failed channel says so on its next write
    small->write_some({}, failed);
    return failed == asio::error::no_buffer_space;
  }, 10s);
  error_code ec;
  std::array<std::uint8_t, 8> buf{};
  // What arrived before the bound is still readable, then the failure.
  while (small->read_some(buf, ec) > 0) {}
  CHECK(ec == asio::error::no_buffer_space);
  small->close();
  t.run_for(10ms);
}
