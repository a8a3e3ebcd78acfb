// (D)TLS over ICE: two libnice agents on the ICE executor's thread, their flows as
// ByteChannels on the test's io_context, and the same TlsSocket that runs overlay links over
// TCP on top (DESIGN.md principle 3): TLS 1.3 over a reliable agent's byte stream, DTLS 1.2
// over a non-reliable agent's datagrams.
#include "transport/ice_channel.hpp"

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

  explicit IceTls(bool reliable = true) {
    on_ice(ice, [&] {
      start(ice.loop(), a, loopback(true, reliable), credentials_a);
      start(ice.loop(), b, loopback(false, reliable), credentials_b);
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
      return std::pair(make_ice_channel(a.agent, ice.loop(), io.get_executor()),
                       make_ice_channel(b.agent, ice.loop(), io.get_executor()));
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

// Runs both handshakes to the end; their errors.
std::pair<error_code, error_code> handshake(IceTls& t, TlsSocket& client, TlsSocket& server) {
  std::optional<error_code> c, s;
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { c = co_await client.handshake(asio::ssl::stream_base::client); }, asio::detached);
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { s = co_await server.handshake(asio::ssl::stream_base::server); }, asio::detached);
  t.run_until([&] { return c && s; }, 10s);
  return {*c, *s};
}

// A datagram channel that loses the first `drop` datagrams written to it, as a network would.
class Lossy final : public ByteChannel {
 public:
  Lossy(std::unique_ptr<ByteChannel> inner, int drop) : inner_(std::move(inner)), drop_(drop) {}
  std::size_t read_some(std::span<std::uint8_t> into, error_code& ec) override { return inner_->read_some(into, ec); }
  std::size_t write_some(std::span<const std::uint8_t> bytes, error_code& ec) override {
    if (drop_ > 0) {
      --drop_;
      ++dropped;
      ec = {};
      return bytes.size();
    }
    return inner_->write_some(bytes, ec);
  }
  asio::awaitable<error_code> wait(asio::socket_base::wait_type what) override { return inner_->wait(what); }
  void close() noexcept override { inner_->close(); }
  bool is_open() const noexcept override { return inner_->is_open(); }
  bool datagrams() const noexcept override { return inner_->datagrams(); }
  asio::any_io_executor get_executor() noexcept override { return inner_->get_executor(); }
  int dropped = 0;

 private:
  std::unique_ptr<ByteChannel> inner_;
  int drop_;
};

}  // namespace

TEST_CASE("DTLS 1.2 with both certificates runs over ICE datagrams, one record per datagram of at most 1,200 bytes") {
  IceTls t(false);
  REQUIRE(t.channel_a->datagrams());
  auto client_tls = t.context_for(0x11, TlsFlavor::dtls), server_tls = t.context_for(0x22, TlsFlavor::dtls);
  TlsSocket client(std::move(t.channel_a), *client_tls), server(std::move(t.channel_b), *server_tls);
  auto [c, s] = handshake(t, client, server);
  REQUIRE_FALSE(c);
  REQUIRE_FALSE(s);
  CHECK(SSL_version(client.native_handle()) == DTLS1_2_VERSION);
  CHECK(SSL_get0_peer_certificate(server.native_handle()) != nullptr);  // mutual
  const std::size_t room = client.max_record_payload();
  CHECK(room > 1000);
  CHECK(room < dtls_datagram_size);

  // Each write is one record the peer reads whole.
  for (std::size_t size : {std::size_t{1}, std::size_t{100}, room}) {
    wire::Buffer message(size, static_cast<std::uint8_t>(size));
    std::optional<error_code> wrote;
    asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { wrote = co_await client.write_all(message); }, asio::detached);
    std::array<std::uint8_t, 4096> buf{};
    std::size_t n = 0;
    std::optional<error_code> read;
    asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { read = co_await server.read_some(buf, n); }, asio::detached);
    t.run_until([&] { return wrote && read; }, 5s);
    CHECK_FALSE(*wrote);
    REQUIRE_FALSE(*read);
    CHECK(n == size);
    CHECK(std::equal(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n), message.begin()));
  }
  // More than a datagram holds is refused, not split.
  wire::Buffer too_big(room + 1, 0);
  std::optional<error_code> refused;
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { refused = co_await client.write_all(too_big); }, asio::detached);
  t.run_until([&] { return refused.has_value(); }, 1s);
  CHECK(*refused == asio::error::message_size);
  client.close();
  server.close();
  t.run_for(20ms);
}

TEST_CASE("a lost DTLS flight is sent again on the retransmission timer") {
  IceTls t(false);
  auto client_tls = t.context_for(0x11, TlsFlavor::dtls), server_tls = t.context_for(0x22, TlsFlavor::dtls);
  // The ClientHello and, once, the server's first flight are lost.
  auto lossy_client = std::make_unique<Lossy>(std::move(t.channel_a), 1);
  auto lossy_server = std::make_unique<Lossy>(std::move(t.channel_b), 1);
  Lossy& lc = *lossy_client;
  Lossy& ls = *lossy_server;
  TlsSocket client(std::move(lossy_client), *client_tls), server(std::move(lossy_server), *server_tls);
  const auto began = std::chrono::steady_clock::now();
  auto [c, s] = handshake(t, client, server);
  const auto took = std::chrono::steady_clock::now() - began;
  CHECK_FALSE(c);
  CHECK_FALSE(s);
  CHECK(lc.dropped == 1);
  CHECK(ls.dropped == 1);
  // At least one 100 ms timeout, and less than the 1 s OpenSSL would wait for the first.
  CHECK(took >= 100ms);
  CHECK(took < 1000ms);
  client.close();
  server.close();
  t.run_for(20ms);
}

TEST_CASE("TLS 1.3 with both certificates runs over a pseudo-TCP flow and carries 1 MiB in order") {
  IceTls t;
  auto client_tls = t.context_for(0x11), server_tls = t.context_for(0x22);
  TlsSocket client(std::move(t.channel_a), *client_tls), server(std::move(t.channel_b), *server_tls);
  auto [c, s] = handshake(t, client, server);
  REQUIRE_FALSE(c);
  REQUIRE_FALSE(s);
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
    return make_ice_channel(t.b.agent, t.ice.loop(), t.io.get_executor(), IceChannelLimits{256 * 1024, 64 * 1024});
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
