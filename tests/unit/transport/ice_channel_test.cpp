// (D)TLS over ICE: two libnice agents on the ICE executor's thread, their flows as
// ByteChannels on the test's io_context, and the same TlsSocket that runs overlay links over
// TCP on top (DESIGN.md principle 3): TLS 1.3 over a reliable agent's byte stream, DTLS 1.2
// over a non-reliable agent's datagrams.
#include "transport/ice_channel.hpp"

#include <doctest/doctest.h>
#include <openssl/ssl.h>

#include "ice_tls_fixtures.hpp"

using namespace reload;
using namespace reload::transport;
using namespace reload::transport::test;
using boost::system::error_code;

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
  std::optional<error_code> c, s;
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { c = co_await client.handshake(asio::ssl::stream_base::client); }, asio::detached);
  t.run_for(10ms);
  // The ClientHello went out (and was lost): the retransmission timer is armed at 100 ms,
  // not OpenSSL's 1 s.
  timeval left{};
  REQUIRE(DTLSv1_get_timeout(client.native_handle(), &left) == 1);
  CHECK(left.tv_sec == 0);
  CHECK(left.tv_usec <= 100'000);
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { s = co_await server.handshake(asio::ssl::stream_base::server); }, asio::detached);
  t.run_until([&] { return c && s; }, 10s);
  CHECK_FALSE(*c);
  CHECK_FALSE(*s);
  CHECK(lc.dropped == 1);
  CHECK(ls.dropped == 1);
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

TEST_CASE("what the agent received before the channel was made is read first, in order, then the flow") {
  IceTls t(false);
  // A second channel on b's agent takes its flow from here on (closing the first would
  // close the agent), with two datagrams that came before it.
  auto channel = on_ice(t.ice, [&] {
    std::vector<std::vector<std::uint8_t>> before{{'e', '1'}, {'e', '2'}};
    return make_ice_channel(t.b.agent, t.ice.loop(), t.io.get_executor(), {}, nullptr, nullptr, std::move(before));
  });
  error_code ec;
  t.channel_a->write_some(std::vector<std::uint8_t>{'n', 'o', 'w'}, ec);
  REQUIRE_FALSE(ec);
  std::vector<std::string> got;
  t.run_until([&] {
    std::array<std::uint8_t, 64> buf{};
    error_code e;
    const std::size_t n = channel->read_some(buf, e);
    if (!e) got.emplace_back(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    return got.size() == 3;
  }, 2s);
  CHECK(got == std::vector<std::string>{"e1", "e2", "now"});
  channel.reset();
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

TEST_CASE("a reader that falls behind holds the peer's sender back through pseudo-TCP's window, and nothing is lost") {
  IceTls t;
  const std::size_t total = 3 * 1024 * 1024;  // three times the inbox's hard bound
  wire::Buffer data(total);
  for (std::size_t i = 0; i < total; ++i) data[i] = static_cast<std::uint8_t>(i * 7 + (i >> 12));
  std::size_t sent = 0;
  auto write_more = [&] {
    error_code ec;
    if (sent < total) sent += t.channel_a->write_some(std::span(data).subspan(sent), ec);
    CHECK((!ec || ec == asio::error::would_block));
  };
  // B reads nothing for a second: A's writes stop well short of the whole, and B's channel
  // has not failed.
  const auto until = std::chrono::steady_clock::now() + 1s;
  t.run_until([&] {
    write_more();
    return std::chrono::steady_clock::now() > until;
  }, 2s);
  CHECK(sent < total);
  error_code state;
  t.channel_b->write_some({}, state);
  CHECK_FALSE(state);
  // Then B reads: everything arrives, in order.
  wire::Buffer got;
  std::array<std::uint8_t, 65536> buf{};
  t.run_until([&] {
    write_more();
    error_code ec;
    for (std::size_t n; (n = t.channel_b->read_some(buf, ec)) > 0;) got.insert(got.end(), buf.begin(), buf.begin() + n);
    CHECK((!ec || ec == asio::error::would_block));
    return got.size() == total;
  }, 20s);
  CHECK(got.size() == total);
  CHECK(got == data);
}

TEST_CASE("TLS 1.3 runs over an ICE-TCP flow (RFC 6544) as over pseudo-TCP") {
  IceTls t(true, true);
  std::optional<bool> tcp_pair = on_ice(t.ice, [&] {
    auto pair = t.a.agent->selected_pair();
    return pair ? std::optional<bool>(pair->tcp) : std::nullopt;
  });
  REQUIRE(tcp_pair);
  CHECK(*tcp_pair);
  auto client_tls = t.context_for(0x11), server_tls = t.context_for(0x22);
  TlsSocket client(std::move(t.channel_a), *client_tls), server(std::move(t.channel_b), *server_tls);
  auto [c, s] = handshake(t, client, server);
  REQUIRE_FALSE(c);
  REQUIRE_FALSE(s);
  wire::Buffer data(256 * 1024);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 31 + i / 257);
  std::optional<error_code> wrote;
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { wrote = co_await client.write_all(data); }, asio::detached);
  wire::Buffer got;
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> {
    while (got.size() < data.size()) {
      if (co_await server.read_some([&](std::span<const std::uint8_t> b) { got.insert(got.end(), b.begin(), b.end()); }))
        co_return;
    }
  }, asio::detached);
  t.run_until([&] { return got.size() == data.size(); }, 20s);
  CHECK(got == data);
  client.close();
  server.close();
  t.run_for(20ms);
}
