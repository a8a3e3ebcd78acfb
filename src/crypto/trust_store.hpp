// Who is trusted in an overlay: its root-certs, or self-signed certificates where the
// configuration permits them (RFC 6940 sections 11.3 and 11.3.1).
#pragma once

#include <chrono>
#include <span>
#include <string>
#include <vector>

#include <boost/system/error_code.hpp>

#include "crypto/certificate.hpp"
#include "wire/security_block.hpp"

namespace reload::crypto {

struct TrustPolicy {
  std::string overlay;              // every leaf must carry a reload:// URI of this overlay
  std::vector<Certificate> roots;   // the configuration's root-cert elements
  bool self_signed_permitted = false;
  wire::HashAlgorithm self_signed_digest = wire::HashAlgorithm::sha1;  // the `digest` attribute
  std::size_t node_id_length = 16;
};

// The Node-ID a self-signed certificate must carry (section 11.3.1): the high-order bytes of
// digest(SPKI) when it carries one Node-ID (index 0), else of digest(uint32 index || SPKI)
// for index 1..n. Empty when the digest is not sha1/sha256/sha384/sha512, is shorter than
// `node_id_length`, or the length is not one RELOAD allows (16..20).
wire::NodeId self_signed_node_id(wire::Bytes spki_der, wire::HashAlgorithm digest,
                                 std::uint32_t index, std::size_t node_id_length);

class TrustStore {
 public:
  using Clock = Certificate::Clock;

  explicit TrustStore(TrustPolicy policy);

  // Accepts `leaf` when it chains to a root (through `intermediates`, each a CA by
  // basicConstraints), every certificate of the chain is valid at `now`, and the leaf
  // carries at least one Node-ID of the overlay; or, when permitted, when the leaf is
  // self-signed and its Node-IDs are the digests of its key. Roots are never leaves, and
  // the leaf's key must be one RELOAD signs with (unsupported_algorithm otherwise).
  boost::system::error_code verify(const Certificate& leaf,
                                   std::span<const Certificate> intermediates = {},
                                   Clock::time_point now = Clock::now()) const;

  const TrustPolicy& policy() const noexcept { return policy_; }

 private:
  TrustPolicy policy_;
  std::shared_ptr<void> store_;  // X509_STORE of the roots, built once
};

}  // namespace reload::crypto
