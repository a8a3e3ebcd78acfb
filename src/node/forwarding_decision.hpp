// What a peer does with a message that arrived on a link (RFC 6940 sections 6.1 and 6.3.2),
// decided from the forwarding header alone (DESIGN.md principle 4): deliver it here, forward
// it, answer with an error, or drop it. Sans-I/O: the topology is asked through an
// interface, and the caller carries out the decision (rewrite_header() for a forward).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <variant>

#include <reload/errors.hpp>

#include "wire/header_view.hpp"
#include "wire/node_id.hpp"

namespace reload::node {

using wire::NodeId;

// What forwarding needs to know of the topology plug-in and the connection table.
class RoutingOracle {
 public:
  virtual ~RoutingOracle() = default;
  virtual const NodeId& self() const = 0;
  virtual bool responsible_for(const NodeId& key) const = 0;
  // The peer to send a message for `key` to next (section 10.3), if any.
  virtual std::optional<NodeId> next_hop(const NodeId& key) const = 0;
  virtual bool connected(const NodeId& peer) const = 0;
};

struct LocalPolicy {
  std::uint32_t overlay = 0;            // low 32 bits of SHA-1 of the overlay name
  std::uint8_t initial_ttl = 100;       // initial-ttl
  std::uint32_t max_message_size = 5000;  // max-message-size
  std::size_t node_id_length = 16;
};

namespace decision {
// For this node: the upper layers decode and verify it. `pop` leading entries named this
// node and are already consumed.
struct Deliver {
  std::size_t pop = 0;
};
// Send on to `next_hop` after popping `pop` entries and appending the previous hop to the
// via list (section 6.1.2).
struct Forward {
  NodeId next_hop;
  std::size_t pop = 0;
};
// Answer the sender with this error (only requests are answered; the caller checks).
struct Reject {
  errc error;
  const char* reason;
};
// Discard without an answer, as the RFC requires (e.g. a Resource-ID not last).
struct Drop {
  const char* reason;
};
}  // namespace decision

using ForwardingDecision =
    std::variant<decision::Deliver, decision::Forward, decision::Reject, decision::Drop>;

// `h` is the message's header as peek_header() read it.
ForwardingDecision decide(const wire::HeaderView& h, const LocalPolicy& policy,
                          const RoutingOracle& topology);

// Section 6.3.2.1: a request's configuration_sequence against ours, compared modulo 2^16 as
// TCP sequence numbers. 65535 on a ConfigUpdate is always accepted. Returns
// config_too_old / config_too_new, or nothing.
std::optional<errc> check_configuration_sequence(std::uint16_t received, std::uint16_t ours,
                                                 bool is_config_update) noexcept;

// The errors decide() rejects with: a peer on the path of a request answers with them, not
// the peer the request was sent to.
constexpr bool is_forwarding_error(errc e) noexcept {
  return e == errc::unsupported_forwarding_option || e == errc::ttl_exceeded || e == errc::invalid_message ||
         e == errc::message_too_large;
}

}  // namespace reload::node
