#include "crypto/signature_algorithm.hpp"

#include "crypto_fixtures.hpp"

using namespace reload;
using namespace reload::crypto;

TEST_CASE("only RSA of 2048 bits or more and ECDSA P-256 sign in an overlay") {
  PkeyPtr rsa2048(EVP_RSA_gen(2048));
  PkeyPtr rsa3072(EVP_RSA_gen(3072));
  PkeyPtr rsa1024(EVP_RSA_gen(1024));
  PkeyPtr p256(EVP_EC_gen("P-256"));
  PkeyPtr p384(EVP_EC_gen("P-384"));
  PkeyPtr ed25519(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  CHECK(key_algorithm(rsa2048.get()) == wire::SignatureAlgorithm::rsa);
  CHECK(key_algorithm(rsa3072.get()) == wire::SignatureAlgorithm::rsa);
  CHECK(key_algorithm(p256.get()) == wire::SignatureAlgorithm::ecdsa);
  CHECK_FALSE(key_algorithm(rsa1024.get()));
  CHECK_FALSE(key_algorithm(p384.get()));
  CHECK_FALSE(key_algorithm(ed25519.get()));
  CHECK_FALSE(key_algorithm(nullptr));
}
