#include "transport/ice_check_answerer.hpp"

#include <cstring>

#include <stun/stunagent.h>
#include <stun/usages/ice.h>

namespace reload::transport {

struct IceCheckAnswerer::Stun {
  StunAgent agent{};
  std::string username;  // as the peer's checks carry it: ours, a colon, the peer's
  std::string password;
  bool controlling = false;
  std::uint64_t tie_breaker = 0;
};

IceCheckAnswerer::IceCheckAnswerer(std::string local_ufrag, std::string local_password,
                                   const std::string& remote_ufrag, bool controlling, std::uint64_t tie_breaker)
    : stun_(std::make_unique<Stun>()) {
  stun_->username = std::move(local_ufrag) + ":" + remote_ufrag;
  stun_->password = std::move(local_password);
  stun_->controlling = controlling;
  stun_->tie_breaker = tie_breaker;
  // libnice's own agents use the same flags for RFC 5245 checks.
  stun_agent_init(&stun_->agent, STUN_ALL_KNOWN_ATTRIBUTES, STUN_COMPATIBILITY_RFC5389,
                  static_cast<StunAgentUsageFlags>(STUN_AGENT_USAGE_SHORT_TERM_CREDENTIALS |
                                                   STUN_AGENT_USAGE_USE_FINGERPRINT));
}

IceCheckAnswerer::~IceCheckAnswerer() = default;

bool IceCheckAnswerer::looks_like_stun(std::span<const std::uint8_t> d) noexcept {
  // RFC 5389 section 6: the two top bits zero, the magic cookie at bytes 4 to 7.
  return d.size() >= 20 && (d[0] & 0xc0) == 0 && d[4] == 0x21 && d[5] == 0x12 && d[6] == 0xa4 && d[7] == 0x42;
}

StunVerdict IceCheckAnswerer::handle(std::span<const std::uint8_t> datagram, const boost::asio::ip::udp::endpoint& from,
                                     std::vector<std::uint8_t>& answer) {
  answer.clear();
  if (!looks_like_stun(datagram)) return StunVerdict::not_stun;
  StunDefaultValidaterData credentials[] = {
      {reinterpret_cast<std::uint8_t*>(stun_->username.data()), stun_->username.size(),
       reinterpret_cast<std::uint8_t*>(stun_->password.data()), stun_->password.size()},
      {nullptr, 0, nullptr, 0}};
  StunMessage request;
  const StunValidationStatus status = stun_agent_validate(&stun_->agent, &request, datagram.data(), datagram.size(),
                                                          stun_agent_default_validater, credentials);
  if (status != STUN_VALIDATION_SUCCESS || stun_message_get_class(&request) != STUN_REQUEST ||
      stun_message_get_method(&request) != STUN_BINDING)
    return StunVerdict::dropped;
  answer.resize(STUN_MAX_MESSAGE_SIZE_IPV6);
  std::size_t length = answer.size();
  StunMessage response;
  sockaddr_storage source{};
  std::memcpy(&source, from.data(), from.size());
  bool control = stun_->controlling;
  const StunUsageIceReturn r = stun_usage_ice_conncheck_create_reply(
      &stun_->agent, &request, &response, answer.data(), &length, &source, static_cast<socklen_t>(from.size()),
      &control, stun_->tie_breaker, STUN_USAGE_ICE_COMPATIBILITY_RFC5245);
  // A role conflict comes with the 487 error response to send; other failures with none.
  if ((r != STUN_USAGE_ICE_RETURN_SUCCESS && r != STUN_USAGE_ICE_RETURN_ROLE_CONFLICT) || length == 0) {
    answer.clear();
    return StunVerdict::dropped;
  }
  answer.resize(length);
  return StunVerdict::answered;
}

std::vector<std::uint8_t> IceCheckAnswerer::keepalive() {
  std::vector<std::uint8_t> indication(64);
  StunMessage msg;
  if (!stun_agent_init_indication(&stun_->agent, &msg, indication.data(), indication.size(), STUN_BINDING)) return {};
  indication.resize(stun_agent_finish_message(&stun_->agent, &msg, nullptr, 0));
  return indication;
}

}  // namespace reload::transport
