// pseudo-TCP run by the node's loop (PseudoTcpChannel) over real UDP sockets on loopback:
// order and integrity under loss, the FIN that a close delivers, TLS 1.3 on top.
#include "transport/pseudo_tcp_channel.hpp"

#include <doctest/doctest.h>
#include <openssl/ssl.h>

#include "channel_io.hpp"
#include "ice_tls_fixtures.hpp"

using namespace reload;
using namespace reload::transport;
using namespace reload::transport::test;
using boost::system::error_code;

TEST_CASE("256 KiB cross pseudo-TCP whole and in order while one datagram in nine is lost, then the close reads as the end") {
  TlsPeers t;
  auto [a, b] = udp_channel_pair(t.io.get_executor());
  auto lossy = std::make_unique<Lossy>(std::move(a), 0, 9);
  Lossy& loss = *lossy;
  auto sender = make_pseudo_tcp_channel(std::move(lossy));
  auto receiver = make_pseudo_tcp_channel(std::move(b));
  const wire::Buffer sent = pattern(256 * 1024);
  std::optional<error_code> wrote, read;
  wire::Buffer got;
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { wrote = co_await write_all(*sender, sent); }, asio::detached);
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { read = co_await read_up_to(*receiver, got, sent.size() + 1); },
                 asio::detached);
  t.run_until([&] { return wrote.has_value() && got.size() >= sent.size(); }, 30s);
  CHECK_FALSE(*wrote);
  CHECK(loss.dropped > 10);  // the loss was real, and repaired
  REQUIRE(got.size() == sent.size());
  CHECK(got == sent);
  sender->close();  // lingers until the FIN is out
  t.run_until([&] { return read.has_value(); }, 10s);
  CHECK(*read == asio::error::eof);
  error_code ec;
  std::array<std::uint8_t, 4> buf{};
  CHECK(sender->read_some(buf, ec) == 0);
  CHECK(ec == asio::error::bad_descriptor);  // closed for its user at once
}

TEST_CASE("TLS 1.3 with both certificates runs over pseudo-TCP, and a close_notify reaches the peer") {
  TlsPeers t;
  auto [a, b] = udp_channel_pair(t.io.get_executor());
  auto client_tls = t.context_for(0x11), server_tls = t.context_for(0x22);
  TlsSocket client(make_pseudo_tcp_channel(std::move(a)), *client_tls);
  TlsSocket server(make_pseudo_tcp_channel(std::move(b)), *server_tls);
  auto [c, s] = handshake(t, client, server);
  REQUIRE_FALSE(c);
  REQUIRE_FALSE(s);
  CHECK(SSL_version(client.native_handle()) == TLS1_3_VERSION);

  carry(t, client, server, pattern(5000));
  std::optional<error_code> notified, read;
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { notified = co_await client.send_close_notify(); }, asio::detached);
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> {
    std::array<std::uint8_t, 16> more{};
    std::size_t n = 0;
    read = co_await server.read_some(more, n);  // the close_notify: the end of the stream
  }, asio::detached);
  t.run_until([&] { return notified && read; }, 10s);
  CHECK_FALSE(*notified);
  CHECK(*read == asio::error::eof);
  client.close();
  server.close();
}
