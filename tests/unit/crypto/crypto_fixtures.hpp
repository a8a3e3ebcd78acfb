// Keys, CAs and certificates made in the test, never checked in.
#pragma once

#include <chrono>

#include <doctest/doctest.h>

#include "crypto/issuance.hpp"
#include "crypto/trust_store.hpp"

namespace reload::crypto::test {

using reload::crypto_errc;
inline constexpr const char* overlay = "overlay.example.org";
using namespace std::chrono_literals;

inline wire::NodeId node(std::uint8_t fill) {
  std::array<std::uint8_t, 16> b;
  b.fill(fill);
  return wire::NodeId(wire::Bytes(b.data(), b.size()));
}

inline CertificateAuthority make_ca(KeyType type = KeyType::ecdsa_p256, const char* name = "Test CA") {
  return CertificateAuthority::create(name, type, 24h * 365).value();
}

struct Leaf {
  PrivateKey key;
  Certificate cert;
};

inline Leaf make_leaf(const CertificateAuthority& ca, Identity who, KeyType type = KeyType::ecdsa_p256,
                      std::chrono::seconds validity = 24h * 30) {
  auto key = PrivateKey::generate(type).value();
  auto csr = CertificateRequest::parse(make_certificate_request(key, "").value()).value();
  auto cert = ca.issue(csr, who, validity).value();
  return {std::move(key), std::move(cert)};
}

inline Identity alice(std::vector<wire::NodeId> ids = {node(0x11)}) {
  return Identity{std::move(ids), overlay, "alice@overlay.example.org", std::string("alice@example.org"), {}, {}};
}

inline TrustPolicy policy_for(const CertificateAuthority& ca) {
  TrustPolicy p;
  p.overlay = overlay;
  p.roots = {ca.certificate()};
  return p;
}

}  // namespace reload::crypto::test
