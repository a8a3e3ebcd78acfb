// Parsed and verified certificates by the SHA-256 of their DER, so that a peer's
// certificate is parsed and chain-verified once, not per message (RFC 6940 section 6.3.4's
// cert_hash identities name certificates by exactly this hash).
//
// Not thread-safe: each node owns one and touches it on its own executor (DESIGN.md
// principle 2). Bounded: the least recently used entry leaves first.
#pragma once

#include <cstddef>
#include <list>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>

#include <boost/system/result.hpp>

#include "crypto/certificate.hpp"
#include "crypto/trust_store.hpp"

namespace reload::crypto {

class CertificateCache {
 public:
  using Clock = Certificate::Clock;

  explicit CertificateCache(TrustStore trust, std::size_t capacity = 4096);

  // The certificate `der` encodes, verified against the trust store at `now` through
  // `intermediates` (the other certificates its sender carried). A cached certificate is
  // only re-checked against its own validity period. Failures are not cached.
  boost::system::result<Certificate> verified(wire::Bytes der, Clock::time_point now = Clock::now(),
                                              std::span<const Certificate> intermediates = {});
  // A verified certificate already in the cache whose SHA-256 is `sha256`.
  std::optional<Certificate> find(wire::Bytes sha256);
  // Puts a certificate verified elsewhere (our own, or one from a TLS handshake) in the cache.
  void insert(const Certificate& verified);

  std::size_t size() const noexcept { return index_.size(); }
  const TrustStore& trust() const noexcept { return trust_; }

 private:
  TrustStore trust_;
  std::size_t capacity_;
  std::list<Certificate> lru_;  // front: most recently used
  std::unordered_map<std::string, std::list<Certificate>::iterator> index_;  // key: the hash bytes
};

}  // namespace reload::crypto
