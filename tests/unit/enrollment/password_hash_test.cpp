#include "password_hash.hpp"

#include <doctest/doctest.h>

using namespace reload::enroll;

TEST_CASE("a password verifies against its hash and nothing else does") {
  auto h = hash_password("correct horse", min_iterations);
  CHECK(h.starts_with("pbkdf2-sha256$100000$"));
  CHECK(is_password_hash(h));
  CHECK(verify_password("correct horse", h));
  CHECK_FALSE(verify_password("correct horsf", h));
  CHECK_FALSE(verify_password("correct horse ", h));
  CHECK_FALSE(verify_password("", h));
  CHECK(hash_password("correct horse", min_iterations) != h);  // a fresh salt each time
  // Passwords are bytes compared as such (RFC 6940 section 11.3): UTF-8 and NUL survive.
  std::string odd("p\xc3\xa4ss\0word", 10);
  auto o = hash_password(odd, min_iterations);
  CHECK(verify_password(odd, o));
  CHECK_FALSE(verify_password("p\xc3\xa4ss", o));
}

TEST_CASE("iterations: at least 100 000, at most 10 000 000") {
  CHECK(hash_password("x", 1000).starts_with("pbkdf2-sha256$100000$"));  // clamped up
  CHECK(hash_password("x").starts_with("pbkdf2-sha256$200000$"));
  // A hand-written line with too few or too many iterations is not a hash.
  auto h = hash_password("x", min_iterations);
  auto weak = std::string(h).replace(14, 6, "99999");
  CHECK_FALSE(is_password_hash(weak));
  auto slow = std::string(h).replace(14, 6, "10000001");
  CHECK_FALSE(is_password_hash(slow));
  CHECK_FALSE(verify_password("x", slow));
}

TEST_CASE("malformed stored hashes never verify") {
  for (const char* bad : {"", "plain", "pbkdf2-sha256$100000$", "pbkdf2-sha256$x$AAAA$AAAA", "sha1$100000$AAAA$AAAA",
                          "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",  // short key
                          "pbkdf2-sha256$100000$AA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",  // short salt
                          "pbkdf2-sha256$-100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                          "pbkdf2-sha256$100000$!!!!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}) {
    CAPTURE(bad);
    CHECK_FALSE(is_password_hash(bad));
    CHECK_FALSE(verify_password("x", bad));
  }
  CHECK(is_password_hash("pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
}
