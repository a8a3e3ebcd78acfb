// A signing or verifying context for one key, made once and reused. OpenSSL 3.0 walks its
// whole algorithm name map every time it makes a key context (EVP_DigestSignInit,
// EVP_DigestVerifyInit): 5 to 10 us per signature with warm caches, more in a node process
// that wakes up cold (docs/benchmarks.md, issue 5, session 5). Signing SHA-256(input) with
// the context gives the same bytes as EVP_DigestSign: PKCS#1 v1.5 for RSA, a DER
// ECDSA-Sig-Value for EC.
//
// Threads that share one take turns (a mutex: uncontended, it costs nanoseconds).
#pragma once

#include <memory>
#include <mutex>

#include <boost/system/result.hpp>

#include "wire/bytes.hpp"

typedef struct evp_pkey_st EVP_PKEY;
typedef struct evp_pkey_ctx_st EVP_PKEY_CTX;

namespace reload::crypto {

class KeyOperation {
 public:
  KeyOperation();
  ~KeyOperation();
  KeyOperation(const KeyOperation&) = delete;
  KeyOperation& operator=(const KeyOperation&) = delete;

  // `key` must be the same key at every call on one object.
  boost::system::result<wire::Buffer> sign(EVP_PKEY* key, wire::Bytes input);
  // Success when `signature` is `key`'s over SHA-256(input), else bad_signature (or
  // internal when OpenSSL cannot set the operation up).
  boost::system::error_code verify(EVP_PKEY* key, wire::Bytes input, wire::Bytes signature);

 private:
  enum class Kind { sign, verify };
  struct Free {
    void operator()(EVP_PKEY_CTX* ctx) const noexcept;
  };
  // The context, made for `kind` at the first call (null when OpenSSL cannot); the caller
  // holds the mutex.
  EVP_PKEY_CTX* context(EVP_PKEY* key, Kind kind);

  std::mutex mutex_;
  std::unique_ptr<EVP_PKEY_CTX, Free> ctx_;  // made at the first call
};

}  // namespace reload::crypto
