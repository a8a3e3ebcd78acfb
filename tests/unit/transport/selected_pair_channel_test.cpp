// SelectedPairChannel: the ICE flow's socket in the node's loop. Data passes, the peer's late
// checks are answered and never reach the layer above, and a quiet flow sends keepalives.
#include "transport/selected_pair_channel.hpp"

// g++ 12 at -O2 inlines Asio's coroutine-frame allocation next to its deallocation and then
// reports a mismatch that is not there.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <doctest/doctest.h>
#include <stun/stunagent.h>
#include <stun/usages/ice.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "channel_io.hpp"
#include "ice_tls_fixtures.hpp"

using namespace reload;
using namespace reload::transport;
using namespace reload::transport::test;
using boost::system::error_code;

namespace {

std::optional<wire::Buffer> receive(asio::ip::udp::socket& s) {
  std::array<std::uint8_t, 2048> buf{};
  error_code ec;
  s.non_blocking(true, ec);
  const std::size_t n = s.receive(asio::buffer(buf), 0, ec);
  if (ec) return std::nullopt;
  return wire::Buffer(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
}

// A connectivity check of the peer's (ufragB1) for us (ufragA1), as libnice's STUN agent
// makes it.
wire::Buffer peer_check() {
  StunAgent agent{};
  stun_agent_init(&agent, STUN_ALL_KNOWN_ATTRIBUTES, STUN_COMPATIBILITY_RFC5389,
                  static_cast<StunAgentUsageFlags>(STUN_AGENT_USAGE_SHORT_TERM_CREDENTIALS |
                                                   STUN_AGENT_USAGE_USE_FINGERPRINT));
  wire::Buffer check(1280);
  StunMessage msg;
  const std::string username = "ufragA1:ufragB1", password = "passwordA0123456789012345";
  const std::size_t n = stun_usage_ice_conncheck_create(
      &agent, &msg, check.data(), check.size(), reinterpret_cast<const std::uint8_t*>(username.data()),
      username.size(), reinterpret_cast<const std::uint8_t*>(password.data()), password.size(), true, false, 1, 2,
      nullptr, STUN_USAGE_ICE_COMPATIBILITY_RFC5245);
  REQUIRE(n > 0);
  check.resize(n);
  return check;
}

std::unique_ptr<IceCheckAnswerer> answerer() {
  return std::make_unique<IceCheckAnswerer>("ufragA1", "passwordA0123456789012345", "ufragB1", true,
                                            7);
}

struct AsyncRead {
  std::optional<error_code> ec;
  std::string text;
};

std::shared_ptr<AsyncRead> start_read(TlsPeers& t, ByteChannel& c) {
  auto r = std::make_shared<AsyncRead>();
  asio::co_spawn(
      t.io,
      [&c, r]() -> asio::awaitable<void> {
        std::array<std::uint8_t, 1500> buf{};
        std::size_t n = 0;
        r->ec = co_await c.async_read_some(buf, n);
        r->text.assign(reinterpret_cast<const char*>(buf.data()), n);
      },
      asio::detached);
  return r;
}

// Starts a read wait on `c`; the result lands in the optional.
std::shared_ptr<std::optional<error_code>> start_wait(TlsPeers& t, ByteChannel& c) {
  auto result = std::make_shared<std::optional<error_code>>();
  asio::co_spawn(
      t.io,
      [&c, result]() -> asio::awaitable<void> {
        *result = co_await c.wait(asio::socket_base::wait_read);
      },
      asio::detached);
  return result;
}

std::string read_text(ByteChannel& c, error_code& ec) {
  std::array<std::uint8_t, 64> buf{};
  const std::size_t n = c.read_some(buf, ec);
  return std::string(reinterpret_cast<const char*>(buf.data()), n);
}

}  // namespace

TEST_CASE("a read wait ends at once on what is queued, else when a datagram comes; nothing is "
          "taken") {
  TlsPeers t;
  auto [mine, peer] = udp_socket_pair(t.io.get_executor());
  SelectedPairChannel a(std::move(mine), answerer());
  UdpChannel b(std::move(peer));
  error_code ec;
  b.write_some(wire::Buffer{'1'}, ec);
  t.run_for(10ms);
  auto first = start_wait(t, a);
  t.run_until([&] { return first->has_value(); }, 2s);
  CHECK_FALSE(**first);
  CHECK(read_text(a, ec) == "1");  // the wait peeked; the datagram is still whole
  CHECK_FALSE(ec);
  read_text(a, ec);
  CHECK(ec == asio::error::would_block);

  auto second = start_wait(t, a);
  t.run_for(30ms);
  CHECK_FALSE(second->has_value());
  b.write_some(wire::Buffer{'2'}, ec);
  t.run_until([&] { return second->has_value(); }, 2s);
  CHECK_FALSE(**second);
  CHECK(read_text(a, ec) == "2");

  // Closing the channel ends a wait.
  auto third = start_wait(t, a);
  t.run_for(5ms);
  a.close();
  t.run_until([&] { return third->has_value(); }, 2s);
  CHECK(**third == asio::error::operation_aborted);
}

TEST_CASE(
    "async_read_some reads one datagram a call, a queued one at once, and never a check or an "
    "empty datagram") {
  TlsPeers t;
  auto [mine, peer] = udp_socket_pair(t.io.get_executor());
  SelectedPairChannel channel(std::move(mine), answerer());
  peer.send(asio::buffer(std::string_view("one")));
  peer.send(asio::buffer(peer_check()));
  peer.send(asio::buffer(std::string_view()));
  peer.send(asio::buffer(std::string_view("two")));
  t.run_for(20ms);
  for (const char* expected : {"one", "two"}) {
    auto read = start_read(t, channel);
    t.run_until([&] { return read->ec.has_value(); }, 2s);
    CHECK_FALSE(*read->ec);
    CHECK(read->text == expected);
  }
  CHECK(channel.checks_answered() == 1);
  auto answer = receive(peer);
  REQUIRE(answer);
  CHECK(IceCheckAnswerer::looks_like_stun(*answer));

  auto later = start_read(t, channel);
  t.run_for(30ms);
  CHECK_FALSE(later->ec.has_value());
  peer.send(asio::buffer(std::string_view("three")));
  t.run_until([&] { return later->ec.has_value(); }, 2s);
  CHECK_FALSE(*later->ec);
  CHECK(later->text == "three");

  auto ended = start_read(t, channel);
  t.run_for(5ms);
  channel.close();
  t.run_until([&] { return ended->ec.has_value(); }, 2s);
  CHECK(*ended->ec == asio::error::operation_aborted);
}

TEST_CASE(
    "data passes, a check is answered and kept from the reader, and a quiet flow sends "
    "keepalives") {
  TlsPeers t;
  auto [mine, peer] = udp_socket_pair(t.io.get_executor());
  SelectedPairChannel channel(std::move(mine), answerer(), 100ms);

  // The peer's check, then data.
  peer.send(asio::buffer(peer_check()));
  peer.send(asio::buffer(std::string_view("data")));
  t.run_for(20ms);
  std::array<std::uint8_t, 1500> buf{};  // a datagram larger than the buffer would be cut
  error_code ec;
  const std::size_t got = channel.read_some(buf, ec);
  REQUIRE_FALSE(ec);
  CHECK(std::string_view(reinterpret_cast<const char*>(buf.data()), got) == "data");
  CHECK(channel.checks_answered() == 1);
  auto answer = receive(peer);
  REQUIRE(answer);
  CHECK(IceCheckAnswerer::looks_like_stun(*answer));

  // Nothing written for 100 ms: a Binding indication, and another 100 ms later.
  channel.write_some(wire::Buffer{'x'}, ec);
  CHECK(receive(peer) == wire::Buffer{'x'});
  t.run_for(50ms);
  CHECK(channel.keepalives_sent() == 0);
  t.run_for(300ms);
  CHECK(channel.keepalives_sent() >= 2);
  auto keepalive = receive(peer);
  REQUIRE(keepalive);
  REQUIRE(IceCheckAnswerer::looks_like_stun(*keepalive));
  // As libnice reads a keepalive: an indication carries no credentials.
  StunAgent reader{};
  stun_agent_init(&reader, STUN_ALL_KNOWN_ATTRIBUTES, STUN_COMPATIBILITY_RFC5389,
                  static_cast<StunAgentUsageFlags>(STUN_AGENT_USAGE_SHORT_TERM_CREDENTIALS |
                                                   STUN_AGENT_USAGE_USE_FINGERPRINT |
                                                   STUN_AGENT_USAGE_NO_INDICATION_AUTH));
  StunMessage parsed;
  REQUIRE(stun_agent_validate(&reader, &parsed, keepalive->data(), keepalive->size(), nullptr, nullptr) ==
          STUN_VALIDATION_SUCCESS);
  CHECK(stun_message_get_class(&parsed) == STUN_INDICATION);
  CHECK(stun_message_get_method(&parsed) == STUN_BINDING);
  channel.close();
  t.run_for(10ms);
}
