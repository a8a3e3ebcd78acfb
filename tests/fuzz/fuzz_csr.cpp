// A PKCS#10 request as the enrollment server receives it (RFC 6940 section 11.3): never
// crash, refuse with bad_csr, and what is accepted can be issued. The seeds (corpus/csr)
// were made with the openssl CLI: EC and RSA keys, empty and named subjects, a requested
// subjectAltName, DER and PEM.
#include <chrono>
#include <cstdint>

#include "crypto/issuance.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reload;
  using namespace reload::crypto;
  auto csr = CertificateRequest::parse(wire::Bytes(data, size));
  if (!csr) {
    FUZZ_CHECK(csr.error() == crypto_errc::bad_csr);
    return 0;
  }
  FUZZ_CHECK(!csr->der().empty());
  FUZZ_CHECK(!csr->public_key_der().empty());
  (void)csr->requested_names();
  auto again = CertificateRequest::parse(csr->der());
  FUZZ_CHECK(again && again->public_key_der() == csr->public_key_der());

  // An accepted request's key can be certified, and the certificate carries exactly it.
  static const CertificateAuthority ca =
      CertificateAuthority::create("Fuzz CA", KeyType::ecdsa_p256, std::chrono::hours(1)).value();
  Identity who{{*wire::NodeId::from_hex("00112233445566778899aabbccddeeff")}, "overlay.example.org",
               "fuzz@example.org", std::string("fuzz@example.org"), {}, {}};
  auto cert = ca.issue(*csr, who, std::chrono::hours(1));
  FUZZ_CHECK(cert.has_value());
  FUZZ_CHECK(wire::equal_bytes(cert->public_key_der(), csr->public_key_der()));
  return 0;
}
