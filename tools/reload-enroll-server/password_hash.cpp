#include "password_hash.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace reload::enroll {

namespace {

constexpr std::string_view scheme = "pbkdf2-sha256";
constexpr std::size_t key_length = 32;

std::string base64(const unsigned char* data, std::size_t n) {
  std::string out(4 * ((n + 2) / 3), '\0');
  int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(len));
  return out;
}

std::optional<std::vector<unsigned char>> unbase64(std::string_view s) {
  if (s.empty() || s.size() % 4 != 0) return std::nullopt;
  std::vector<unsigned char> out(3 * s.size() / 4);
  int len = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (len < 0) return std::nullopt;
  std::size_t pad = s.ends_with("==") ? 2 : s.ends_with("=") ? 1 : 0;
  out.resize(static_cast<std::size_t>(len) - pad);
  return out;
}

bool derive(std::string_view password, const unsigned char* salt, std::size_t salt_len, unsigned iterations,
            unsigned char* out) {
  return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt, static_cast<int>(salt_len),
                           static_cast<int>(iterations), EVP_sha256(), static_cast<int>(key_length), out) == 1;
}

struct Parsed {
  unsigned iterations;
  std::vector<unsigned char> salt;
  std::vector<unsigned char> hash;
};

std::optional<Parsed> parse(std::string_view stored) {
  auto next = [&](std::string_view& field) {
    auto d = stored.find('$');
    field = stored.substr(0, d);
    stored = d == std::string_view::npos ? std::string_view{} : stored.substr(d + 1);
    return d != std::string_view::npos;
  };
  std::string_view name, iters, salt, hash;
  if (!next(name) || name != scheme || !next(iters) || !next(salt)) return std::nullopt;
  hash = stored;
  unsigned long n = 0;
  if (iters.empty() || iters.size() > 9) return std::nullopt;
  for (char c : iters) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<unsigned long>(c - '0');
  }
  if (n < min_iterations || n > max_iterations) return std::nullopt;
  auto s = unbase64(salt), h = unbase64(hash);
  if (!s || s->size() < 8 || !h || h->size() != key_length) return std::nullopt;
  return Parsed{static_cast<unsigned>(n), std::move(*s), std::move(*h)};
}

}  // namespace

std::string hash_password(std::string_view password, unsigned iterations) {
  iterations = std::clamp(iterations, min_iterations, max_iterations);
  std::array<unsigned char, 16> salt;
  std::array<unsigned char, key_length> key;
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1 ||
      !derive(password, salt.data(), salt.size(), iterations, key.data()))
    return {};
  return std::string(scheme) + "$" + std::to_string(iterations) + "$" + base64(salt.data(), salt.size()) + "$" +
         base64(key.data(), key.size());
}

bool verify_password(std::string_view password, std::string_view stored) {
  auto p = parse(stored);
  if (!p) return false;
  std::array<unsigned char, key_length> key;
  if (!derive(password, p->salt.data(), p->salt.size(), p->iterations, key.data())) return false;
  return CRYPTO_memcmp(key.data(), p->hash.data(), key_length) == 0;
}

bool is_password_hash(std::string_view stored) { return parse(stored).has_value(); }

}  // namespace reload::enroll
