// Password hashes for the enrollment server's users file: PBKDF2-HMAC-SHA256 through OpenSSL,
// a random 16-byte salt, stored as  pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace reload::enroll {

inline constexpr unsigned default_iterations = 200'000;

std::string hash_password(std::string_view password, unsigned iterations = default_iterations);
// False for a wrong password and for a malformed stored hash; compares in constant time.
bool verify_password(std::string_view password, std::string_view stored);
// Whether `stored` has the shape hash_password() writes.
bool is_password_hash(std::string_view stored);

}  // namespace reload::enroll
