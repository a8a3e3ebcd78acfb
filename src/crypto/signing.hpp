// Signatures of RFC 6940: messages (section 6.3.4) and stored data (section 7.1).
//
//   message input:     overlay(4) || transaction_id(8) || MessageContents || SignerIdentity
//   stored-data input: resource_id || kind(4) || storage_time(8) || StoredDataValue
//                      || SignerIdentity           (an ArrayEntry's index set to 0 first)
// The inputs are built by src/wire (append_signature_input, append_stored_data_signature_input);
// this file signs and verifies them. Identities are cert_hash (SHA-256 of the DER
// certificate) or cert_hash_node_id (SHA-256 of Node-ID || DER certificate).
#pragma once

#include <chrono>
#include <cstdint>
#include <span>

#include <boost/system/result.hpp>

#include "crypto/certificate.hpp"
#include "crypto/certificate_cache.hpp"
#include "crypto/private_key.hpp"
#include "wire/message.hpp"
#include "wire/security_block.hpp"
#include "wire/stored_data.hpp"

namespace reload::crypto {

// A wire::Signature together with the bytes its views point into.
struct OwnedSignature {
  wire::SignatureAndHashAlgorithm algorithm;
  wire::SignerIdentityType identity_type = wire::SignerIdentityType::cert_hash;
  wire::Buffer identity_hash;  // H(certificate) or H(Node-ID || certificate)
  wire::Buffer value;

  wire::SignerIdentity identity() const noexcept;
  wire::Signature view() const noexcept;  // valid while *this lives, unchanged
};

// Verifies `signature` over `input` with the certificate's public key. Only {sha256, rsa}
// (PKCS#1 v1.5) and {sha256, ecdsa} are accepted, and the algorithm must match the key.
boost::system::error_code verify_signature(const Certificate& signer,
                                           wire::SignatureAndHashAlgorithm algorithm,
                                           wire::Bytes input, wire::Bytes signature);

// A node's (or user's) signing identity: its key, its certificate, and the Node-ID it signs
// as (one of the certificate's).
class Signer {
 public:
  // Fails with key_mismatch unless `key` is the certificate's key, and with no_node_id
  // when `node_id` is neither empty nor one of the certificate's Node-IDs. An empty
  // `node_id` can sign with cert_hash identities only.
  static boost::system::result<Signer> make(PrivateKey key, Certificate certificate,
                                            wire::NodeId node_id);

  const Certificate& certificate() const noexcept { return certificate_; }
  const wire::NodeId& node_id() const noexcept { return node_id_; }

  boost::system::result<OwnedSignature> sign_message(
      std::uint32_t overlay, std::uint64_t transaction_id, wire::Bytes encoded_contents,
      wire::SignerIdentityType type = wire::SignerIdentityType::cert_hash) const;
  boost::system::result<OwnedSignature> sign_stored_data(
      const wire::ResourceId& resource, wire::KindId kind, std::uint64_t storage_time,
      const wire::StoredDataValue& value,
      wire::SignerIdentityType type = wire::SignerIdentityType::cert_hash) const;

 private:
  Signer(PrivateKey key, Certificate certificate, wire::NodeId node_id)
      : key_(std::move(key)), certificate_(std::move(certificate)), node_id_(node_id) {}
  boost::system::result<OwnedSignature> identity_for(wire::SignerIdentityType type) const;
  PrivateKey key_;
  Certificate certificate_;
  wire::NodeId node_id_;
};

// Who signed: the verified certificate, and for cert_hash_node_id the Node-ID it bound.
struct VerifiedSigner {
  Certificate certificate;
  wire::NodeId node_id;  // empty for cert_hash
};

// Verifies a received message's signature: the certificate named by the SignerIdentity is
// taken from the message's own certificates or from the cache, verified through the cache's
// trust store, and the signature checked over the input above. Identity `none` and
// algorithms other than the two above are refused.
boost::system::result<VerifiedSigner> verify_message(const wire::Message& message,
                                                     CertificateCache& cache,
                                                     Certificate::Clock::time_point now =
                                                         Certificate::Clock::now());

// Verifies one StoredData's signature; `certificates` are the carrying message's
// (a StoreReq's security block holds the storers' certificates).
boost::system::result<VerifiedSigner> verify_stored_data(
    const wire::StoredData& data, const wire::ResourceId& resource, wire::KindId kind,
    std::span<const wire::GenericCertificate> certificates, CertificateCache& cache,
    Certificate::Clock::time_point now = Certificate::Clock::now());

}  // namespace reload::crypto
