#include "transport/ice_candidates.hpp"

#include <cstring>

#include <nice/agent.h>

namespace reload::transport {

namespace {
constexpr std::string_view tcptype = "tcptype";

std::optional<wire::IpAddressPort> address_of(const NiceAddress& a) {
  char text[NICE_ADDRESS_STRING_LEN];
  nice_address_to_string(&a, text);
  return wire::ip_address_port_from(text, static_cast<std::uint16_t>(nice_address_get_port(&a)));
}

bool set_address(NiceAddress& into, const wire::IpAddressPort& a) {
  if (std::holds_alternative<wire::UnknownAddress>(a)) return false;
  const std::string text = wire::address_to_string(a);
  if (!nice_address_set_from_string(&into, text.c_str())) return false;
  nice_address_set_port(&into, wire::port_of(a));
  return true;
}

const char* tcptype_name(NiceCandidateTransport t) {
  switch (t) {
    case NICE_CANDIDATE_TRANSPORT_TCP_ACTIVE: return "active";
    case NICE_CANDIDATE_TRANSPORT_TCP_PASSIVE: return "passive";
    case NICE_CANDIDATE_TRANSPORT_TCP_SO: return "so";
    case NICE_CANDIDATE_TRANSPORT_UDP: break;
  }
  return nullptr;
}

std::optional<NiceCandidateTransport> transport_of(const wire::IceCandidate& c) {
  for (const auto& e : c.extensions) {
    if (wire::as_string_view(e.name) != tcptype) continue;
    const auto v = wire::as_string_view(e.value);
    if (v == "active") return NICE_CANDIDATE_TRANSPORT_TCP_ACTIVE;
    if (v == "passive") return NICE_CANDIDATE_TRANSPORT_TCP_PASSIVE;
    if (v == "so") return NICE_CANDIDATE_TRANSPORT_TCP_SO;
    return std::nullopt;
  }
  return NICE_CANDIDATE_TRANSPORT_UDP;
}
}  // namespace

wire::Bytes IceCandidateList::keep(std::string s) { return wire::as_bytes(strings_.emplace_back(std::move(s))); }

std::optional<wire::IceCandidate> to_wire(const NiceCandidate& c, wire::OverlayLinkType link,
                                          IceCandidateList& storage) {
  wire::IceCandidate out;
  switch (c.type) {
    case NICE_CANDIDATE_TYPE_HOST: out.type = wire::CandType::host; break;
    case NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE: out.type = wire::CandType::srflx; break;
    case NICE_CANDIDATE_TYPE_RELAYED: out.type = wire::CandType::relay; break;
    case NICE_CANDIDATE_TYPE_PEER_REFLEXIVE: return std::nullopt;
  }
  auto addr = address_of(c.addr);
  if (!addr) return std::nullopt;
  out.addr_port = *addr;
  if (out.type != wire::CandType::host) {
    // Section 6.5.1.3: rel_addr_port is the base (srflx) or the mapped address (relay).
    auto base = address_of(c.base_addr);
    if (!base) return std::nullopt;
    out.rel_addr_port = *base;
  }
  out.overlay_link = link;
  out.foundation = storage.keep(c.foundation);
  out.priority = c.priority;
  if (const char* t = tcptype_name(c.transport))
    out.extensions.push_back({storage.keep(std::string(tcptype)), storage.keep(t)});
  return out;
}

NiceCandidate* to_nice(const wire::IceCandidate& c, unsigned stream_id) {
  NiceCandidateType type;
  switch (c.type) {
    case wire::CandType::host: type = NICE_CANDIDATE_TYPE_HOST; break;
    case wire::CandType::srflx: type = NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE; break;
    case wire::CandType::relay: type = NICE_CANDIDATE_TYPE_RELAYED; break;
    default: return nullptr;
  }
  const auto transport = transport_of(c);
  if (!transport || c.foundation.empty() || c.foundation.size() >= NICE_CANDIDATE_MAX_FOUNDATION) return nullptr;
  NiceCandidate* n = nice_candidate_new(type);
  n->transport = *transport;
  n->stream_id = stream_id;
  n->component_id = 1;
  n->priority = c.priority;
  std::memcpy(n->foundation, c.foundation.data(), c.foundation.size());
  n->foundation[c.foundation.size()] = '\0';
  bool ok = set_address(n->addr, c.addr_port);
  if (ok && c.rel_addr_port) ok = set_address(n->base_addr, *c.rel_addr_port);
  if (!ok) {
    nice_candidate_free(n);
    return nullptr;
  }
  return n;
}

}  // namespace reload::transport
