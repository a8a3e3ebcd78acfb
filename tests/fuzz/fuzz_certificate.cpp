// An X.509 certificate as it arrives in a message's security block, a TLS handshake or a
// configuration document: never crash, and what parses keeps the promises the trust and
// signature code relies on. The seeds (corpus/certificate) were made with the openssl CLI:
// a CA, a leaf with reload URIs, rfc822Name and a non-ASCII xmppAddr, an RSA leaf with
// foreign SAN entries, a self-signed node certificate, and a PEM file (not DER).
#include <cstdint>

#include "crypto/certificate_cache.hpp"
#include "crypto/signing.hpp"
#include "crypto/trust_store.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reload;
  using namespace reload::crypto;
  wire::Bytes in(data, size);
  auto cert = Certificate::from_der(in);
  if (!cert) {
    FUZZ_CHECK(cert.error() == crypto_errc::bad_encoding);
    return 0;
  }
  FUZZ_CHECK(wire::equal_bytes(cert->der(), in));
  FUZZ_CHECK(cert->sha256().size() == 32);
  FUZZ_CHECK(!cert->public_key_der().empty());

  // Every reload URI read is one that formats and parses back to itself.
  for (const auto& u : cert->reload_uris()) {
    auto again = parse_reload_uri(format_reload_uri(u.node_id, u.overlay));
    FUZZ_CHECK(again && *again == u);
    FUZZ_CHECK(cert->has_node_id(u.node_id, u.overlay));
  }
  (void)cert->subject();
  (void)cert->issuer();
  (void)cert->pem();
  (void)cert->valid_at(Certificate::Clock::now());

  // Trust decisions on hostile certificates: no roots, self-signed permitted, so both the
  // chain path and the self-signed path run. Nothing is trusted by a root it does not have.
  static const TrustStore trust = [] {
    TrustPolicy p;
    p.overlay = "overlay.example.org";
    p.self_signed_permitted = true;
    return TrustStore(p);
  }();
  auto ec = trust.verify(*cert);
  if (!ec) FUZZ_CHECK(cert->is_self_signed());
  CertificateCache cache(trust, 2);
  auto cached = cache.verified(in);
  FUZZ_CHECK(cached.has_value() == !ec);

  // A signature check with its key never crashes, and a garbage signature never verifies.
  const std::uint8_t input[] = {1, 2, 3};
  const std::uint8_t garbage[] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01};
  for (auto alg : {wire::SignatureAlgorithm::rsa, wire::SignatureAlgorithm::ecdsa})
    FUZZ_CHECK(verify_signature(*cert, {wire::HashAlgorithm::sha256, alg}, input, garbage));
  return 0;
}
