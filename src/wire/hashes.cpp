#include "wire/hashes.hpp"

#include <array>
#include <memory>
#include <stdexcept>

#include <openssl/evp.h>

namespace reload::wire {

namespace {

// Fetched once: EVP_sha1() makes OpenSSL 3 look the algorithm up under a lock on every
// digest, four times the cost of the hash itself, and a NODE-MULTIPLE check hashes up to
// max-node-multiple times per stored value.
const EVP_MD* sha1_algorithm() {
  static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md(EVP_MD_fetch(nullptr, "SHA1", nullptr),
                                                                   &EVP_MD_free);
  if (!md) throw std::runtime_error("SHA-1 unavailable in libcrypto");
  return md.get();
}

std::array<std::uint8_t, 20> sha1(Bytes data) {
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                                 &EVP_MD_CTX_free);
  std::array<std::uint8_t, 20> md{};
  unsigned int n = 0;
  if (!ctx || EVP_DigestInit_ex2(ctx.get(), sha1_algorithm(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), md.data(), &n) != 1 || n != 20)
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
