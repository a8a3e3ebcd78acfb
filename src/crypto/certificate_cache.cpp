#include "crypto/certificate_cache.hpp"

#include <array>

#include <openssl/sha.h>

namespace reload::crypto {

namespace {
std::string key_of(wire::Bytes hash) { return std::string(hash.begin(), hash.end()); }
}  // namespace

CertificateCache::CertificateCache(TrustStore trust, std::size_t capacity)
    : trust_(std::move(trust)), capacity_(capacity == 0 ? 1 : capacity) {}

boost::system::result<Certificate> CertificateCache::verified(wire::Bytes der, Clock::time_point now,
                                                             std::span<const Certificate> intermediates) {
  // A hit costs one SHA-256 of the DER: no parsing, no chain walk.
  std::array<std::uint8_t, SHA256_DIGEST_LENGTH> hash;
  SHA256(der.data(), der.size(), hash.data());
  if (auto hit = find(hash)) {
    if (auto ec = hit->valid_at(now)) return ec;
    return *hit;
  }
  auto parsed = Certificate::from_der(der);
  if (!parsed) return parsed.error();
  if (auto ec = trust_.verify(*parsed, intermediates, now)) return ec;
  insert(*parsed);
  return *parsed;
}

std::optional<Certificate> CertificateCache::find(wire::Bytes sha256) {
  auto it = index_.find(key_of(sha256));
  if (it == index_.end()) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second);
  return *it->second;
}

void CertificateCache::insert(const Certificate& verified) {
  auto key = key_of(verified.sha256());
  if (auto it = index_.find(key); it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.push_front(verified);
  index_.emplace(std::move(key), lru_.begin());
  if (index_.size() > capacity_) {
    index_.erase(key_of(lru_.back().sha256()));
    lru_.pop_back();
  }
}

}  // namespace reload::crypto
