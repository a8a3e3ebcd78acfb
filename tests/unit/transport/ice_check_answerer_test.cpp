// IceCheckAnswerer: the peer's connectivity checks on a flow taken out of libnice are
// answered as libnice answers them: a check made and verified by libnice's own STUN agent,
// with the credentials of the offers.
#include "transport/ice_check_answerer.hpp"

#include <sys/socket.h>

#include <cstring>

#include <doctest/doctest.h>
#include <stun/stunagent.h>
#include <stun/usages/ice.h>

using namespace reload::transport;
namespace ip = boost::asio::ip;

namespace {

// The peer's side: it checks us with username "our ufrag:its ufrag" and our password.
struct Checker {
  StunAgent agent{};
  std::vector<std::uint8_t> request = std::vector<std::uint8_t>(1280);
  std::size_t request_length = 0;

  Checker() {
    stun_agent_init(&agent, STUN_ALL_KNOWN_ATTRIBUTES, STUN_COMPATIBILITY_RFC5389,
                    static_cast<StunAgentUsageFlags>(STUN_AGENT_USAGE_SHORT_TERM_CREDENTIALS |
                                                     STUN_AGENT_USAGE_USE_FINGERPRINT));
  }

  std::span<const std::uint8_t> check(const std::string& username, const std::string& password) {
    StunMessage msg;
    request_length = stun_usage_ice_conncheck_create(
        &agent, &msg, request.data(), request.size(), reinterpret_cast<const std::uint8_t*>(username.data()),
        username.size(), reinterpret_cast<const std::uint8_t*>(password.data()), password.size(), true, false, 12345,
        0x1122334455667788ull, nullptr, STUN_USAGE_ICE_COMPATIBILITY_RFC5245);
    REQUIRE(request_length > 0);
    return std::span(request).first(request_length);
  }

  // The mapped address of a valid success response to the last check, as libnice reads it.
  std::optional<ip::udp::endpoint> accept(std::span<const std::uint8_t> response, const std::string& password) {
    StunDefaultValidaterData none[] = {{nullptr, 0, reinterpret_cast<std::uint8_t*>(const_cast<char*>(password.data())),
                                        password.size()},
                                       {nullptr, 0, nullptr, 0}};
    StunMessage msg;
    if (stun_agent_validate(&agent, &msg, response.data(), response.size(), stun_agent_default_validater, none) !=
        STUN_VALIDATION_SUCCESS)
      return std::nullopt;
    sockaddr_storage mapped{};
    socklen_t length = sizeof mapped;
    if (stun_usage_ice_conncheck_process(&msg, &mapped, &length, STUN_USAGE_ICE_COMPATIBILITY_RFC5245) !=
        STUN_USAGE_ICE_RETURN_SUCCESS)
      return std::nullopt;
    ip::udp::endpoint e;
    std::memcpy(e.data(), &mapped, length);
    e.resize(length);
    return e;
  }
};

const ip::udp::endpoint peer(ip::make_address("127.0.0.1"), 40123);

}  // namespace

TEST_CASE("a valid check is answered with a success response that carries the peer's address") {
  IceCheckAnswerer answerer("ufragA1", "passwordA0123456789012345", "ufragB1", true, 7);
  Checker b;
  std::vector<std::uint8_t> answer;
  REQUIRE(answerer.handle(b.check("ufragA1:ufragB1", "passwordA0123456789012345"), peer, answer) ==
          StunVerdict::answered);
  const auto mapped = b.accept(answer, "passwordA0123456789012345");
  REQUIRE(mapped);
  CHECK(*mapped == peer);
}

TEST_CASE("checks with the wrong password or username, indications and data get no answer") {
  IceCheckAnswerer answerer("ufragA1", "passwordA0123456789012345", "ufragB1", false, 7);
  Checker b;
  std::vector<std::uint8_t> answer;
  CHECK(answerer.handle(b.check("ufragA1:ufragB1", "notthepassword0123456789"), peer, answer) == StunVerdict::dropped);
  CHECK(answer.empty());
  CHECK(answerer.handle(b.check("ufragA1:someone", "passwordA0123456789012345"), peer, answer) == StunVerdict::dropped);

  // A Binding indication (a keepalive) needs no answer.
  std::vector<std::uint8_t> indication(64);
  StunMessage msg;
  stun_agent_init_indication(&b.agent, &msg, indication.data(), indication.size(), STUN_BINDING);
  const std::size_t n = stun_agent_finish_message(&b.agent, &msg, nullptr, 0);
  REQUIRE(n > 0);
  CHECK(answerer.handle(std::span(indication).first(n), peer, answer) == StunVerdict::dropped);

  // A pseudo-TCP segment (conversation 0) and a DTLS record are data.
  const std::vector<std::uint8_t> segment{0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'x'};
  CHECK(answerer.handle(segment, peer, answer) == StunVerdict::not_stun);
  const std::vector<std::uint8_t> record{23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  CHECK(answerer.handle(record, peer, answer) == StunVerdict::not_stun);
}
