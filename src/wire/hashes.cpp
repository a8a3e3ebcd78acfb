#include "wire/hashes.hpp"

#include <array>
#include <stdexcept>

#include <openssl/evp.h>

namespace reload::wire {

namespace {
std::array<std::uint8_t, 20> sha1(Bytes data) {
  std::array<std::uint8_t, 20> md{};
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), md.data(), &n, EVP_sha1(), nullptr) != 1 || n != 20)
    throw std::runtime_error("SHA-1 unavailable in libcrypto");
  return md;
}
}  // namespace

std::uint32_t overlay_hash(std::string_view overlay_name) {
  auto md = sha1(as_bytes(overlay_name));
  return (std::uint32_t{md[16]} << 24) | (std::uint32_t{md[17]} << 16) |
         (std::uint32_t{md[18]} << 8) | md[19];
}

ResourceId resource_id_of(Bytes resource_name, std::size_t length) {
  if (length > 20) throw std::invalid_argument("SHA-1 gives at most 20 bytes");
  auto md = sha1(resource_name);
  return ResourceId(Bytes(md.data(), length));
}

}  // namespace reload::wire
