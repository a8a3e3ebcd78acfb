#include "stand_in_security.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace reload::sim {

std::string describe(const SecuritySettings& s) {
  if (s.real) return "ecdsa (P-256, cert_hash_node_id: every message signed, verified where it is delivered)";
  return fmt::format("stand-in (certificate {} B, signature {} B; nothing signed or verified)",
                     s.certificate_bytes, s.signature_bytes);
}

StandInSecurity::StandInSecurity(const wire::NodeId& signer, SecuritySettings settings)
    : signer_(signer), settings_(settings) {}

void StandInSecurity::seal(wire::Message& m) const {
  // One set of buffers for the whole process (the simulator is single-threaded): a node
  // carrying its own 660 bytes of stand-in made a hundred thousand nodes 66 MB heavier.
  static wire::Buffer certificate_, signature_, identity_hash_(32, 0);
  certificate_.assign(std::max(settings_.certificate_bytes, signer_.size()), 0x30);
  std::copy(signer_.bytes().begin(), signer_.bytes().end(), certificate_.begin());
  signature_.assign(settings_.signature_bytes, 0x02);
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
