// SelectedPairChannel: the ICE flow's socket in the node's loop. Data passes, the peer's late
// checks are answered and never reach the layer above, and a quiet flow sends keepalives.
#include "transport/selected_pair_channel.hpp"

#include <doctest/doctest.h>
#include <stun/stunagent.h>
#include <stun/usages/ice.h>

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

}  // namespace

TEST_CASE("data passes, a check is answered and kept from the reader, and a quiet flow sends keepalives") {
  TlsPeers t;
  auto [mine, peer] = udp_socket_pair(t.io.get_executor());
  auto answerer = std::make_unique<IceCheckAnswerer>("ufragA1", "passwordA0123456789012345", "ufragB1", true, 7);
  SelectedPairChannel channel(std::move(mine), std::move(answerer), 100ms);

  // The peer's check, made by libnice's STUN agent, then data.
  StunAgent agent{};
  stun_agent_init(&agent, STUN_ALL_KNOWN_ATTRIBUTES, STUN_COMPATIBILITY_RFC5389,
                  static_cast<StunAgentUsageFlags>(STUN_AGENT_USAGE_SHORT_TERM_CREDENTIALS |
                                                   STUN_AGENT_USAGE_USE_FINGERPRINT));
  std::array<std::uint8_t, 1280> check{};
  StunMessage msg;
  const std::string username = "ufragA1:ufragB1", password = "passwordA0123456789012345";
  const std::size_t n = stun_usage_ice_conncheck_create(
      &agent, &msg, check.data(), check.size(), reinterpret_cast<const std::uint8_t*>(username.data()),
      username.size(), reinterpret_cast<const std::uint8_t*>(password.data()), password.size(), true, false, 1, 2,
      nullptr, STUN_USAGE_ICE_COMPATIBILITY_RFC5245);
  REQUIRE(n > 0);
  peer.send(asio::buffer(check.data(), n));
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
