#include "crypto/signature_algorithm.hpp"

#include <cstring>

#include <openssl/core_names.h>

namespace reload::crypto {

std::optional<wire::SignatureAlgorithm> key_algorithm(const EVP_PKEY* key) noexcept {
  if (!key) return std::nullopt;
  if (EVP_PKEY_is_a(key, "RSA")) {
    if (EVP_PKEY_get_bits(key) < 2048) return std::nullopt;
    return wire::SignatureAlgorithm::rsa;
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1)
      return std::nullopt;
    if (std::strcmp(group, "prime256v1") != 0 && std::strcmp(group, "P-256") != 0) return std::nullopt;
    return wire::SignatureAlgorithm::ecdsa;
  }
  return std::nullopt;
}

}  // namespace reload::crypto
