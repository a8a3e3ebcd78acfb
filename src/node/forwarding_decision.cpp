#include "node/forwarding_decision.hpp"

#include "wire/destination.hpp"
#include "wire/forwarding_header.hpp"
#include "wire/reader.hpp"
#include "wire/ring.hpp"

namespace reload::node {

namespace {

// Options this node understands: none is defined yet (section 6.3.2.3), so any option with a
// critical flag for what we are about to do is refused.
std::optional<decision::Reject> check_options(wire::Bytes options, bool forwarding,
                                              const wire::CodecContext& ctx) {
  wire::Reader r(options);
  while (r.more()) {
    wire::ForwardingOption o;
    decode(r, o, ctx);
    if (!r.ok()) break;  // peek_header() already checked the structure
    std::uint8_t critical = forwarding ? wire::option_flags::forward_critical
                                       : wire::option_flags::destination_critical;
    if (o.flags & critical)
      return decision::Reject{errc::unsupported_forwarding_option, "unknown critical forwarding option"};
  }
  return std::nullopt;
}

ForwardingDecision forward_or_expire(const wire::HeaderView& h, const NodeId& next,
                                     std::size_t pop, const wire::CodecContext& ctx) {
  if (h.ttl == 0) return decision::Reject{errc::ttl_exceeded, "TTL exhausted"};
  if (auto reject = check_options(h.options, true, ctx)) return *reject;
  return decision::Forward{next, pop};
}

}  // namespace

ForwardingDecision decide(const wire::HeaderView& h, const LocalPolicy& policy,
                          const RoutingOracle& topology) {
  // The field exists to detect misconfiguration (section 6.3.2): tell the sender.
  if (h.overlay != policy.overlay) return decision::Reject{errc::invalid_message, "message for another overlay"};
  if (h.length > policy.max_message_size)
    return decision::Reject{errc::message_too_large, "larger than max-message-size"};
  if (h.ttl > policy.initial_ttl)
    return decision::Reject{errc::ttl_exceeded, "TTL above initial-ttl"};

  wire::CodecContext ctx;
  ctx.node_id_length = policy.node_id_length;
  wire::Reader r(h.destination_list);
  std::size_t pop = 0;
  while (r.more()) {
    wire::Destination d;
    decode(r, d, ctx);
    if (!r.ok()) return decision::Drop{"unreadable destination list"};
    const bool last = !r.more();
    if (const auto* node = std::get_if<NodeId>(&d)) {
      if (node->is_wildcard()) {
        if (auto reject = check_options(h.options, false, ctx)) return *reject;
        return decision::Deliver{pop};
      }
      if (*node == topology.self()) {
        if (last) {
          if (auto reject = check_options(h.options, false, ctx)) return *reject;
          return decision::Deliver{pop};
        }
        ++pop;  // ours: go on with the next entry (section 6.1.1)
        continue;
      }
      if (topology.connected(*node)) return forward_or_expire(h, *node, pop, ctx);
      // A Node-ID in our range that is not us and not linked to us: nobody to give it to.
      if (topology.responsible_for(*node)) return decision::Drop{"Node-ID in our range is not connected"};
      auto next = topology.next_hop(*node);
      if (!next) return decision::Drop{"no route"};
      return forward_or_expire(h, *next, pop, ctx);
    }
    if (const auto* resource = std::get_if<wire::ResourceId>(&d)) {
      if (!last) return decision::Drop{"Resource-ID not last in the destination list"};
      NodeId point = wire::ring::point_of(*resource, policy.node_id_length);
      if (topology.responsible_for(point)) {
        if (auto reject = check_options(h.options, false, ctx)) return *reject;
        return decision::Deliver{pop};
      }
      auto next = topology.next_hop(point);
      if (!next) return decision::Drop{"no route"};
      return forward_or_expire(h, *next, pop, ctx);
    }
    // This node never compresses lists, so an opaque or compressed id cannot be ours.
    return decision::Drop{"opaque destination this node did not make"};
  }
  return decision::Drop{"empty destination list"};
}

std::optional<errc> check_configuration_sequence(std::uint16_t received, std::uint16_t ours,
                                                 bool is_config_update) noexcept {
  if (received == ours) return std::nullopt;
  if (is_config_update && received == 0xffff) return std::nullopt;
  // Serial number arithmetic: received is older when it lies behind ours by less than half
  // the space.
  auto behind = static_cast<std::uint16_t>(ours - received);
  return behind < 0x8000 ? errc::config_too_old : errc::config_too_new;
}

}  // namespace reload::node
