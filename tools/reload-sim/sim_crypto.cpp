#include "sim_crypto.hpp"

#include <chrono>

#include <openssl/x509.h>

namespace reload::sim {

namespace {
std::size_t certificate_signature_length(const crypto::Certificate& c) {
  const ASN1_BIT_STRING* signature = nullptr;
  X509_get0_signature(&signature, nullptr, c.native());
  return signature ? static_cast<std::size_t>(ASN1_STRING_length(signature)) : 0;
}
}  // namespace

crypto::Certificate issue_certificate(const crypto::CertificateAuthority& ca, const crypto::CertificateRequest& csr,
                                      const crypto::Identity& who) {
  using namespace std::chrono_literals;
  for (;;) {
    auto cert = must(ca.issue(csr, who, 24h * 30), "issuing a certificate");
    if (certificate_signature_length(cert) == signature_length) return cert;
  }
}

}  // namespace reload::sim
