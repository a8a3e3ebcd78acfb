// Two libnice agents on 127.0.0.1 for the transport tests: each gathers, its offer (the
// credentials and candidates an Attach would carry) goes through the RFC 6940 codec, and
// each learns the other's. Everything here runs on the agents' GlibLoop.
#pragma once

#include <optional>
#include <vector>

#include <doctest/doctest.h>

#include "transport/ice_agent.hpp"
#include "wire/codec.hpp"

namespace reload::transport::test {

using namespace std::chrono_literals;

// What one side sends the other in its Attach: credentials and encoded candidates.
struct Offer {
  IceCredentials credentials;
  std::vector<wire::Buffer> encoded;

  std::vector<wire::IceCandidate> decoded() const {
    std::vector<wire::IceCandidate> out;
    for (const auto& b : encoded) out.push_back(wire::decode_exact<wire::IceCandidate>(b, {}).value());
    return out;
  }
};

struct Side {
  std::shared_ptr<IceAgent> agent;
  std::optional<Offer> offer;
  std::vector<wire::Buffer> received;
  wire::Buffer stream;
};

// `tcp`: ICE-TCP only (RFC 6544), for a reliable agent's byte stream without pseudo-TCP.
inline IceAgentOptions loopback(bool controlling, bool reliable, bool tcp = false) {
  IceAgentOptions o;
  o.controlling = controlling;
  o.reliable = reliable;
  o.ice_udp = !tcp;
  o.ice_tcp = tcp;
  o.stun_pacing = 5ms;
  o.local_addresses = {boost::asio::ip::make_address("127.0.0.1")};
  return o;
}

inline void start(GlibLoop& loop, Side& s, const IceAgentOptions& o, IceCredentials creds) {
  boost::system::error_code ec;
  s.agent = IceAgent::create(loop, o, creds, ec);
  REQUIRE_FALSE(ec);
  REQUIRE(s.agent);
  s.agent->on_receive([&s](const std::vector<std::uint8_t>& b) {
    s.received.emplace_back(b.begin(), b.end());
    s.stream.insert(s.stream.end(), b.begin(), b.end());
  });
  s.agent->gather([&s, creds](boost::system::error_code e, IceCandidateList list) {
    REQUIRE_FALSE(e);
    Offer offer{creds, {}};
    for (const auto& c : list.candidates) offer.encoded.push_back(wire::encode_to_buffer(c).value());
    s.offer = std::move(offer);
  });
}

inline void exchange_offers(Side& a, Side& b) {
  CHECK(a.agent->set_remote(b.offer->credentials, b.offer->decoded()));
  CHECK(b.agent->set_remote(a.offer->credentials, a.offer->decoded()));
}

inline const IceCredentials credentials_a{"ufragA1", "passwordA0123456789012345"};
inline const IceCredentials credentials_b{"ufragB1", "passwordB0123456789012345"};

}  // namespace reload::transport::test
