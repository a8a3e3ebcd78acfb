#include "sim_crypto.hpp"

#include <openssl/x509.h>

namespace reload::sim {

std::size_t certificate_signature_length(const crypto::Certificate& c) {
  const ASN1_BIT_STRING* signature = nullptr;
  X509_get0_signature(&signature, nullptr, c.native());
  return signature ? static_cast<std::size_t>(ASN1_STRING_length(signature)) : 0;
}

}  // namespace reload::sim
