#include "wire/hashes.hpp"

#include <array>
#include <initializer_list>
#include <memory>
#include <stdexcept>

#include <openssl/evp.h>

namespace reload::wire {

namespace {

// Algorithms fetched once: EVP_sha1() and EVP_sha256() make OpenSSL 3 look the algorithm up
// under a lock on every digest, four times the cost of the hash itself. A NODE-MULTIPLE
// check hashes up to max-node-multiple times per stored value; every signature hashes.
using FetchedMd = std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)>;

template <std::size_t N>
std::array<std::uint8_t, N> digest(const FetchedMd& md, std::initializer_list<Bytes> parts) {
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                                 &EVP_MD_CTX_free);
  std::array<std::uint8_t, N> out{};
  unsigned int n = 0;
  bool ok = md && ctx && EVP_DigestInit_ex2(ctx.get(), md.get(), nullptr) == 1;
  for (Bytes part : parts) ok = ok && EVP_DigestUpdate(ctx.get(), part.data(), part.size()) == 1;
  if (!ok || EVP_DigestFinal_ex(ctx.get(), out.data(), &n) != 1 || n != N)
    throw std::runtime_error("a digest is unavailable in libcrypto");
  return out;
}

std::array<std::uint8_t, 20> sha1(Bytes data) {
  static const FetchedMd md(EVP_MD_fetch(nullptr, "SHA1", nullptr), &EVP_MD_free);
  return digest<20>(md, {data});
}

}  // namespace

std::array<std::uint8_t, 32> sha256(Bytes first, Bytes second) {
  static const FetchedMd md(EVP_MD_fetch(nullptr, "SHA256", nullptr), &EVP_MD_free);
  return digest<32>(md, {first, second});
}

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
