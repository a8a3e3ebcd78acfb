#include "password_hash.hpp"

#include <doctest/doctest.h>

using namespace reload::enroll;

TEST_CASE("a password verifies against its hash and nothing else does") {
  auto h = hash_password("correct horse", 1000);
  CHECK(h.starts_with("pbkdf2-sha256$1000$"));
  CHECK(is_password_hash(h));
  CHECK(verify_password("correct horse", h));
  CHECK_FALSE(verify_password("correct horsf", h));
  CHECK_FALSE(verify_password("", h));
  CHECK(hash_password("correct horse", 1000) != h);  // a fresh salt each time
}

TEST_CASE("malformed stored hashes never verify") {
  for (const char* bad : {"", "plain", "pbkdf2-sha256$1000$", "pbkdf2-sha256$x$AAAA$AAAA", "sha1$1000$AAAA$AAAA",
                          "pbkdf2-sha256$10$AAAAAAAAAAAAAAAAAAAAAA==$AAAA"}) {
    CHECK_FALSE(is_password_hash(bad));
    CHECK_FALSE(verify_password("x", bad));
  }
}
