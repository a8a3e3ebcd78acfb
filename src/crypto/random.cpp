#include "crypto/random.hpp"

#include <cstring>
#include <stdexcept>

#include <openssl/rand.h>

namespace reload::crypto {

bool fill_random(std::span<std::uint8_t> out) noexcept {
  return out.empty() || RAND_bytes(out.data(), static_cast<int>(out.size())) == 1;
}

std::uint64_t random_u64() {
  std::uint8_t bytes[8];
  if (!fill_random(bytes)) throw std::runtime_error("OpenSSL's random generator failed");
  std::uint64_t v;
  std::memcpy(&v, bytes, sizeof v);
  return v;
}

}  // namespace reload::crypto
