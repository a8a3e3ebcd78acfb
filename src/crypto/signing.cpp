#include "crypto/signing.hpp"

#include <algorithm>
#include <vector>

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "crypto/openssl_handles.hpp"
#include "crypto/signature_algorithm.hpp"
#include "wire/hashes.hpp"

namespace reload::crypto {

using boost::system::error_code;
using boost::system::result;

wire::SignerIdentity OwnedSignature::identity() const noexcept {
  wire::SignerIdentity id;
  id.identity_type = identity_type;
  id.hash_alg = wire::HashAlgorithm::sha256;
  id.hash = identity_hash;
  return id;
}

wire::Signature OwnedSignature::view() const noexcept {
  return wire::Signature{algorithm, identity(), value};
}

namespace {

wire::Buffer sha256_of(wire::Bytes a, wire::Bytes b = {}) {
  const auto md = wire::sha256(a, b);
  return {md.begin(), md.end()};
}

}  // namespace

error_code verify_signature(const Certificate& signer, wire::SignatureAndHashAlgorithm algorithm,
                            wire::Bytes input, wire::Bytes signature) {
  EVP_PKEY* key = X509_get0_pubkey(signer.native());
  auto kind = key_algorithm(key);
  if (!kind || algorithm.hash != wire::HashAlgorithm::sha256 || algorithm.signature != *kind)
    return make_error_code(crypto_errc::unsupported_algorithm);
  return signer.check_signature(input, signature);
}

result<Signer> Signer::make(PrivateKey key, Certificate certificate, wire::NodeId node_id) {
  if (X509_check_private_key(certificate.native(), key.native()) != 1)
    return make_error_code(crypto_errc::key_mismatch);
  if (!key_algorithm(key.native())) return make_error_code(crypto_errc::unsupported_algorithm);
  // The Node-ID a cert_hash_node_id identity binds must be the certificate's (in some
  // overlay: the certificate does not say which one the caller means).
  if (!node_id.empty()) {
    const auto& uris = certificate.reload_uris();
    if (std::none_of(uris.begin(), uris.end(), [&](const ReloadUri& u) { return u.node_id == node_id; }))
      return make_error_code(crypto_errc::no_node_id);
  }
  return Signer(std::move(key), std::move(certificate), node_id);
}

result<OwnedSignature> Signer::identity_for(wire::SignerIdentityType type) const {
  if (type != wire::SignerIdentityType::cert_hash && type != wire::SignerIdentityType::cert_hash_node_id)
    return make_error_code(crypto_errc::unsupported_algorithm);
  if (type == wire::SignerIdentityType::cert_hash_node_id && node_id_.empty())
    return make_error_code(crypto_errc::no_node_id);
  OwnedSignature s;
  s.algorithm = key_.algorithm();
  s.identity_type = type;
  s.identity_hash = type == wire::SignerIdentityType::cert_hash_node_id
                        ? sha256_of(node_id_.bytes(), certificate_.der())
                        : wire::to_buffer(certificate_.sha256());
  return s;
}

result<OwnedSignature> Signer::sign_message(std::uint32_t overlay, std::uint64_t transaction_id,
                                            wire::Bytes encoded_contents,
                                            wire::SignerIdentityType type) const {
  auto made = identity_for(type);
  if (!made) return made.error();
  OwnedSignature& s = *made;
  wire::Buffer input;
  wire::append_signature_input(input, overlay, transaction_id, encoded_contents, s.identity());
  auto sig = key_.sign(input);
  if (!sig) return sig.error();
  s.value = std::move(*sig);
  return made;
}

result<OwnedSignature> Signer::sign_stored_data(const wire::ResourceId& resource, wire::KindId kind,
                                                std::uint64_t storage_time,
                                                const wire::StoredDataValue& value,
                                                wire::SignerIdentityType type) const {
  auto made = identity_for(type);
  if (!made) return made.error();
  OwnedSignature& s = *made;
  wire::Buffer input;
  if (!wire::append_stored_data_signature_input(input, resource, kind, storage_time, value, s.identity()))
    return make_error_code(crypto_errc::bad_encoding);
  auto sig = key_.sign(input);
  if (!sig) return sig.error();
  s.value = std::move(*sig);
  return made;
}

namespace {

// The carried X.509 certificates other than `skip`, parsed (those that parse): the chain
// the signer's certificate may need between itself and a root.
std::vector<Certificate> intermediates(std::span<const wire::GenericCertificate> carried, wire::Bytes skip,
                                       CertificateCache& cache) {
  std::vector<Certificate> out;
  for (const auto& c : carried) {
    if (c.type != wire::CertificateType::x509 || wire::equal_bytes(c.certificate, skip)) continue;
    if (auto hit = cache.find(sha256_of(c.certificate))) out.push_back(*hit);
    else if (auto parsed = Certificate::from_der(c.certificate)) out.push_back(*parsed);
  }
  return out;
}

// The certificate a SignerIdentity names, among the carried ones or in the cache, verified;
// for cert_hash_node_id also the Node-ID it binds (one of the certificate's in this overlay).
result<VerifiedSigner> find_signer(const wire::SignerIdentity& id,
                                   std::span<const wire::GenericCertificate> carried,
                                   CertificateCache& cache, Certificate::Clock::time_point now) {
  using Type = wire::SignerIdentityType;
  if (id.identity_type == Type::none) return make_error_code(crypto_errc::bad_signature);  // unsigned
  if (id.identity_type != Type::cert_hash && id.identity_type != Type::cert_hash_node_id)
    return make_error_code(crypto_errc::unsupported_algorithm);
  if (id.hash_alg != wire::HashAlgorithm::sha256 || id.hash.size() != SHA256_DIGEST_LENGTH)
    return make_error_code(crypto_errc::unsupported_algorithm);

  if (id.identity_type == Type::cert_hash) {
    // The common case costs a hash-table look-up: the signer's certificate was verified
    // before (an earlier message, or the TLS handshake of the link).
    if (auto hit = cache.find(id.hash)) {
      if (auto ec = hit->valid_at(now)) return ec;
      return VerifiedSigner{*hit, {}};
    }
    for (const auto& c : carried) {
      if (c.type != wire::CertificateType::x509 || !wire::equal_bytes(sha256_of(c.certificate), id.hash)) continue;
      auto chain = intermediates(carried, c.certificate, cache);
      auto cert = cache.verified(c.certificate, now, chain);
      if (!cert) return cert.error();
      return VerifiedSigner{*cert, {}};
    }
    return make_error_code(crypto_errc::untrusted);
  }

  const auto& overlay = cache.trust().policy().overlay;
  for (const auto& c : carried) {
    if (c.type != wire::CertificateType::x509) continue;
    auto cached = cache.find(sha256_of(c.certificate));
    auto parsed = cached ? boost::system::result<Certificate>(*cached) : Certificate::from_der(c.certificate);
    if (!parsed) continue;
    for (const auto& node : parsed->node_ids(overlay)) {
      if (!wire::equal_bytes(sha256_of(node.bytes(), c.certificate), id.hash)) continue;
      auto chain = cached ? std::vector<Certificate>{} : intermediates(carried, c.certificate, cache);
      auto cert = cache.verified(c.certificate, now, chain);
      if (!cert) return cert.error();
      return VerifiedSigner{*cert, node};
    }
  }
  return make_error_code(crypto_errc::untrusted);
}

}  // namespace

result<VerifiedSigner> verify_message(const wire::Message& message, CertificateCache& cache,
                                      Certificate::Clock::time_point now) {
  const auto& sig = message.security.signature;
  auto signer = find_signer(sig.identity, message.security.certificates, cache, now);
  if (!signer) return signer.error();
  wire::Buffer input;
  wire::append_signature_input(input, message.header.overlay, message.header.transaction_id,
                               message.encoded_contents, sig.identity);
  if (auto ec = verify_signature(signer->certificate, sig.algorithm, input, sig.signature_value)) return ec;
  return signer;
}

result<VerifiedSigner> verify_stored_data(const wire::StoredData& data, const wire::ResourceId& resource,
                                          wire::KindId kind,
                                          std::span<const wire::GenericCertificate> certificates,
                                          CertificateCache& cache, Certificate::Clock::time_point now) {
  const auto& sig = data.signature;
  if (wire::is_synthesized(sig)) return make_error_code(crypto_errc::bad_signature);
  auto signer = find_signer(sig.identity, certificates, cache, now);
  if (!signer) return signer.error();
  wire::Buffer input;
  if (!wire::append_stored_data_signature_input(input, resource, kind, data.storage_time, data.value, sig.identity))
    return make_error_code(crypto_errc::bad_encoding);
  if (auto ec = verify_signature(signer->certificate, sig.algorithm, input, sig.signature_value)) return ec;
  return signer;
}

}  // namespace reload::crypto
