// Helpers shared by the config tests: reading the sample documents, and a CA and signers
// made with the crypto API (ECDSA P-256: fast to generate).
#pragma once

#include <chrono>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>

#include "config/document_signer.hpp"
#include "crypto/issuance.hpp"
#include "crypto/private_key.hpp"
#include "wire/node_id.hpp"

#ifndef CONFIG_TEST_DATA
#error "CONFIG_TEST_DATA (tests/unit/config/data) must be defined by the build"
#endif
#ifndef OVERLAY_CONFIG_DIR
#error "OVERLAY_CONFIG_DIR (overlay-config) must be defined by the build"
#endif

namespace reload::test {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline std::string rfc_example_path() { return std::string(CONFIG_TEST_DATA) + "/rfc6940-example.xml"; }
inline std::string example_path(std::string_view name) {
  return std::string(OVERLAY_CONFIG_DIR) + "/" + std::string(name);
}

// A Node-ID of 16 bytes whose every byte is `b`.
inline wire::NodeId node_id_of(std::uint8_t b, std::size_t length = 16) {
  wire::Buffer bytes(length, b);
  return wire::NodeId(wire::Bytes(bytes));
}

inline crypto::CertificateAuthority make_ca(std::string_view name) {
  return crypto::CertificateAuthority::create(name, crypto::KeyType::ecdsa_p256,
                                              std::chrono::hours(24))
      .value();
}

// A key and a certificate issued by `ca` for `id` in `overlay`, ready to sign documents.
inline config::SigningKey make_signing_key(const crypto::CertificateAuthority& ca,
                                           std::string_view overlay, const wire::NodeId& id,
                                           std::chrono::seconds validity = std::chrono::hours(1)) {
  auto key = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256).value();
  auto csr_der = crypto::make_certificate_request(key, "signer@example.org").value();
  auto csr = crypto::CertificateRequest::parse(csr_der).value();
  crypto::Identity who;
  who.node_ids = {id};
  who.overlay = std::string(overlay);
  who.user_name = "signer@example.org";
  auto cert = ca.issue(csr, who, validity).value();
  return config::SigningKey{key, cert, id, {}};
}

// A self-signed signer for a self-signed overlay: its Node-ID is the digest of its key.
inline config::SigningKey make_self_signed_key(std::string_view overlay) {
  auto key = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256).value();
  crypto::Identity who;
  who.overlay = std::string(overlay);
  who.user_name = "publisher@example.org";
  auto cert = crypto::make_self_signed(key, who, wire::HashAlgorithm::sha1, 16, 1,
                                       std::chrono::hours(1))
                  .value();
  auto ids = cert.node_ids(overlay);
  if (ids.empty()) throw std::runtime_error("self-signed certificate without a Node-ID");
  return config::SigningKey{key, cert, ids.front(), {}};
}

}  // namespace reload::test
