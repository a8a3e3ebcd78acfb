// A private key: generated, loaded from or saved to PEM, and used to sign.
//
// The mandatory algorithm of RFC 6940 is RSASSA-PKCS1-v1_5 with SHA-256; ECDSA P-256 with
// SHA-256 is offered as well (smaller certificates and faster signing). Keys are never
// logged or printed: there is no operator<< and PEM leaves only through save_pem().
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>
#include <reload/errors.hpp>

#include "wire/bytes.hpp"
#include "wire/security_block.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace reload::crypto {

class KeyOperation;

enum class KeyType { rsa2048, ecdsa_p256 };

class PrivateKey {
 public:
  static boost::system::result<PrivateKey> generate(KeyType type);
  // PEM (PKCS#8 or traditional), unencrypted.
  static boost::system::result<PrivateKey> from_pem(std::string_view pem);
  static boost::system::result<PrivateKey> load(const std::filesystem::path& file);
  // Writes unencrypted PKCS#8 PEM to `file` with mode 0600, replacing it atomically.
  boost::system::error_code save(const std::filesystem::path& file) const;

  // The algorithm pair this key signs with: {sha256, rsa} or {sha256, ecdsa}.
  wire::SignatureAndHashAlgorithm algorithm() const noexcept;
  // DER SubjectPublicKeyInfo of the public half.
  wire::Buffer public_key_der() const;

  // Signs `input` with algorithm(): PKCS#1 v1.5 for RSA, DER ECDSA-Sig-Value for EC.
  boost::system::result<wire::Buffer> sign(wire::Bytes input) const;

  EVP_PKEY* native() const noexcept { return key_.get(); }

 private:
  explicit PrivateKey(std::shared_ptr<EVP_PKEY> key);
  std::shared_ptr<EVP_PKEY> key_;  // immutable once made: sharing it is safe
  std::shared_ptr<KeyOperation> signing_;  // shared by copies, like the key
};

}  // namespace reload::crypto
