// Building signed messages (RFC 6940 sections 6.2 and 6.3): the forwarding header, the
// MessageContents, and a security block whose signature covers overlay || transaction_id ||
// MessageContents || SignerIdentity. Every message carries the signer's certificate, so the
// receiver can verify it without a lookup; identities are cert_hash_node_id, binding the
// Node-ID the sender speaks as.
#pragma once

#include <cstdint>

#include <boost/system/result.hpp>

#include "crypto/signing.hpp"
#include "wire/destination.hpp"
#include "wire/forwarding_header.hpp"

namespace reload::node {

struct Envelope {
  std::uint32_t overlay = 0;
  std::uint16_t configuration_sequence = 0;
  std::uint8_t ttl = 100;
  std::uint64_t transaction_id = 0;
  std::uint32_t max_response_length = 0;
  wire::DestinationList destinations;
  // Carried in the security block after the signer's own: a hand-off's storers.
  std::vector<crypto::Certificate> extra_certificates;
};

boost::system::result<wire::Buffer> build_message(const Envelope& envelope, std::uint16_t code,
                                                  wire::Bytes body, const crypto::Signer& signer);

// The destination list of a response (section 6.2.2): the hop the request came from, then
// the request's via list reversed.
wire::DestinationList response_destinations(const wire::ForwardingHeader& request,
                                            const wire::NodeId& previous_hop);

// An ErrorResponse body with `info` as its text (or binary) error_info.
wire::Buffer error_body(errc code, wire::Bytes info);

}  // namespace reload::node
