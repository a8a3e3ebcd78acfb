#include "node/message_builder.hpp"

#include "wire/codec.hpp"
#include "wire/error_response.hpp"
#include "wire/message.hpp"

namespace reload::node {

boost::system::result<wire::Buffer> build_message(const Envelope& e, std::uint16_t code,
                                                  wire::Bytes body, const crypto::Signer& signer) {
  wire::Message m;
  m.header.overlay = e.overlay;
  m.header.configuration_sequence = e.configuration_sequence;
  m.header.ttl = e.ttl;
  m.header.transaction_id = e.transaction_id;
  m.header.max_response_length = e.max_response_length;
  m.header.destination_list = e.destinations;
  m.contents.message_code = code;
  m.contents.message_body = body;
  auto contents = wire::encode_to_buffer(m.contents);
  if (!contents) return contents.error();
  auto signature = signer.sign_message(e.overlay, e.transaction_id, *contents,
                                       wire::SignerIdentityType::cert_hash_node_id);
  if (!signature) return signature.error();
  m.security.certificates.push_back({wire::CertificateType::x509, signer.certificate().der()});
  for (const auto& c : e.extra_certificates)
    if (!wire::equal_bytes(c.der(), signer.certificate().der()))
      m.security.certificates.push_back({wire::CertificateType::x509, c.der()});
  m.security.signature = signature->view();
  return wire::encode_message(m);
}

wire::DestinationList response_destinations(const wire::ForwardingHeader& request,
                                            const wire::NodeId& previous_hop) {
  wire::DestinationList out;
  out.reserve(request.via_list.size() + 1);
  out.emplace_back(previous_hop);
  for (auto it = request.via_list.rbegin(); it != request.via_list.rend(); ++it) out.push_back(*it);
  return out;
}

wire::Buffer error_body(errc code, wire::Bytes info) {
  wire::ErrorResponse r{static_cast<std::uint16_t>(code), info};
  return wire::encode_to_buffer(r).value();
}

}  // namespace reload::node
