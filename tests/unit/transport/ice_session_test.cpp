// IceSession for AppAttach: a byte stream over ICE-UDP carries TLS 1.3, and once ICE is ready
// the flow leaves libnice (IceFlowTakeover): the stream still carries bytes both ways after
// the ICE executor, and with it every libnice agent and GLib, stopped for good.
#include "transport/ice_session.hpp"

#include <doctest/doctest.h>

#include "ice_tls_fixtures.hpp"

using namespace reload;
using namespace reload::transport;
using namespace reload::transport::test;
using boost::system::error_code;

namespace {

using SessionResult = boost::system::result<std::unique_ptr<IceSession>>;
using ChannelResult = boost::system::result<std::unique_ptr<ByteChannel>>;

}  // namespace

TEST_CASE("an AppAttach stream over ICE-UDP runs TLS, and carries on after libnice stopped") {
  TlsPeers t;
  auto busy = asio::make_work_guard(t.io);
  auto ice = std::make_shared<IceExecutor>();
  std::optional<SessionResult> a, b;
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> {
    a = co_await IceSession::gather(ice, loopback(true, true), credentials_a, 5s);
  }, asio::detached);
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> {
    b = co_await IceSession::gather(ice, loopback(false, true), credentials_b, 5s);
  }, asio::detached);
  t.run_until([&] { return a && b; }, 10s);
  REQUIRE(*a);
  REQUIRE(*b);
  std::optional<ChannelResult> ca, cb;
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { ca = co_await (**a)->connect((**b)->offer(), 5s); }, asio::detached);
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { cb = co_await (**b)->connect((**a)->offer(), 5s); }, asio::detached);
  t.run_until([&] { return ca && cb; }, 10s);
  REQUIRE(*ca);
  REQUIRE(*cb);
  CHECK_FALSE((**ca)->datagrams());  // a byte stream

  auto client_tls = t.context_for(0x11), server_tls = t.context_for(0x22);
  TlsSocket client(std::move(**ca), *client_tls), server(std::move(**cb), *server_tls);
  auto [c, s] = handshake(t, client, server);
  REQUIRE_FALSE(c);
  REQUIRE_FALSE(s);
  carry(t, client, server, wire::Buffer(100, 'a'));

  // On loopback ICE is ready within milliseconds of the first pair; the flow then moves.
  t.run_for(300ms);
  a.reset();
  b.reset();
  t.run_for(20ms);
  ice->stop();  // no GLib iteration, no agent, from here on

  carry(t, client, server, wire::Buffer(200 * 1024, 'b'));
  carry(t, server, client, wire::Buffer(1000, 'c'));
  client.close();
  server.close();
  t.run_for(20ms);
}
