// Password hashes for the enrollment server's users file: PBKDF2-HMAC-SHA256 through OpenSSL
// (PKCS5_PBKDF2_HMAC), a random 16-byte salt (RAND_bytes), a 32-byte key, stored as
//   pbkdf2-sha256$<iterations>$<salt base64>$<key base64>
// Iterations are at least 100 000 (OWASP's floor for PBKDF2-HMAC-SHA256 is higher still;
// the default is 200 000, about a tenth of a second here) and at most 10 000 000, so that a
// hand-edited line cannot make one login take minutes. Comparison is constant-time
// (CRYPTO_memcmp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace reload::enroll {

inline constexpr unsigned default_iterations = 200'000;
inline constexpr unsigned min_iterations = 100'000;
inline constexpr unsigned max_iterations = 10'000'000;

// `iterations` is clamped to [min_iterations, max_iterations]. Empty only if OpenSSL fails.
std::string hash_password(std::string_view password, unsigned iterations = default_iterations);
// False for a wrong password and for a malformed stored hash; compares in constant time.
bool verify_password(std::string_view password, std::string_view stored);
// Whether `stored` has the shape hash_password() writes.
bool is_password_hash(std::string_view stored);

}  // namespace reload::enroll
