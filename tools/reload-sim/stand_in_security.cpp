#include "stand_in_security.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace reload::sim {

std::string describe(const SecuritySettings& s) {
  return fmt::format("stand-in (certificate {} B, signature {} B; nothing signed or verified)",
                     s.certificate_bytes, s.signature_bytes);
}

StandInSecurity::StandInSecurity(const wire::NodeId& signer, SecuritySettings settings)
    : certificate_(std::max(settings.certificate_bytes, signer.size()), 0x30),
      signature_(settings.signature_bytes, 0x02),
      identity_hash_(32, 0) {
  std::copy(signer.bytes().begin(), signer.bytes().end(), certificate_.begin());
}

void StandInSecurity::seal(wire::Message& m) const {
  m.security.certificates.assign(1, {wire::CertificateType::x509, certificate_});
  m.security.signature.algorithm = {wire::HashAlgorithm::sha256, wire::SignatureAlgorithm::ecdsa};
  m.security.signature.identity.identity_type = wire::SignerIdentityType::cert_hash_node_id;
  m.security.signature.identity.hash_alg = wire::HashAlgorithm::sha256;
  m.security.signature.identity.hash = identity_hash_;
  m.security.signature.signature_value = signature_;
}

std::optional<wire::NodeId> StandInSecurity::signer_of(const wire::Message& m, std::size_t node_id_length) {
  if (m.security.certificates.empty()) return std::nullopt;
  const auto cert = m.security.certificates.front().certificate;
  if (cert.size() < node_id_length) return std::nullopt;
  return wire::NodeId(cert.first(node_id_length));
}

}  // namespace reload::sim
