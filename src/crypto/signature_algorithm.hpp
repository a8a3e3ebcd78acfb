// Which RELOAD signature algorithm a key signs with: RSA (2048 bits or more, PKCS#1 v1.5)
// or ECDSA on P-256; any other key is not accepted in an overlay.
#pragma once

#include <optional>

#include <openssl/evp.h>

#include "wire/security_block.hpp"

namespace reload::crypto {

std::optional<wire::SignatureAlgorithm> key_algorithm(const EVP_PKEY* key) noexcept;

}  // namespace reload::crypto
