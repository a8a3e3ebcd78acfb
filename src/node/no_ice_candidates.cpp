#include "node/no_ice_candidates.hpp"

#include <stdexcept>

#include "crypto/random.hpp"
#include "transport/endpoint.hpp"

namespace reload::node {

namespace ip = boost::asio::ip;

wire::IceCandidate passive_no_ice_candidate(const ip::tcp::endpoint& listener, wire::OverlayLinkType type,
                                            const NoIceCandidateStorage& storage) {
  wire::IceCandidate c;
  const auto a = listener.address();
  if (a.is_v4()) {
    c.addr_port = wire::Ipv4AddrPort{a.to_v4().to_bytes(), listener.port()};
  } else {
    c.addr_port = wire::Ipv6AddrPort{a.to_v6().to_bytes(), listener.port()};
  }
  c.overlay_link = type;
  c.foundation = wire::as_bytes(storage.foundation);
  c.priority = 1;
  c.type = wire::CandType::host;
  if (type == wire::OverlayLinkType::tls_tcp_fh_no_ice)
    c.extensions.push_back({wire::as_bytes(storage.tcptype_name), wire::as_bytes(storage.tcptype_value)});
  return c;
}

std::optional<NoIceTarget> find_no_ice_candidate(const wire::AttachReqAns& a) {
  for (const auto& c : a.candidates)
    if (c.overlay_link == wire::OverlayLinkType::tls_tcp_fh_no_ice ||
        c.overlay_link == wire::OverlayLinkType::dtls_udp_sr_no_ice)
      if (auto ep = transport::to_endpoint(c.addr_port)) return NoIceTarget{*ep, c.overlay_link};
  return std::nullopt;
}

wire::Buffer random_token(std::size_t n) {
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  constexpr unsigned letters = sizeof alphabet - 1;  // 62
  wire::Buffer out;
  out.reserve(n);
  std::uint8_t draw[64];
  while (out.size() < n) {
    if (!crypto::fill_random(draw)) throw std::runtime_error("OpenSSL's random generator failed");
    for (std::uint8_t b : draw)  // 248 = 4 * 62: drawing below it keeps every letter equally likely
      if (b < 4 * letters && out.size() < n) out.push_back(static_cast<std::uint8_t>(alphabet[b % letters]));
  }
  return out;
}

}  // namespace reload::node
