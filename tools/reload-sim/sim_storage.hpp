// What storage in the simulator shares between its nodes: the overlay's configuration with
// the one Kind the workload stores, a test CA made in-process, a certificate cache, and the
// values themselves, each signed once by its own user when the run is set up.
//
// The values are real: a StoredData signed with ECDSA P-256 by a user whose certificate the
// CA issued (rfc822Name u000042@sim.example, USER-MATCH), so every Store, replica store and
// hand-off is checked by src/storage's DataStore exactly as in reload-node: the signature
// verified, the Kind's policy applied to the value's signer and, for an original store, to
// the StoreReq's signer. Only the message signatures stay the stand-in (stand_in_security.hpp):
// a Store carries the storing user's real certificate after the stand-in one, and the
// receiving node takes that certificate, verified through the cache, as the request's signer.
//
// One certificate cache for the whole overlay (reload-node has one per node): a certificate
// is chain-verified once per run instead of once per node that sees it, which saves the
// simulator time and memory and changes no outcome (every node trusts the same CA).
//
// Determinism: ECDSA signatures are randomised, and their DER length varies (70 to 72
// bytes). Message sizes, and so the channel's timing, must depend on the seed alone, so every
// signature made here (the certificates' and the values') is made again until its DER is 71
// bytes long; only the bytes' content differs from run to run, and no decision depends on it.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "config/configuration.hpp"
#include "crypto/certificate.hpp"
#include "crypto/certificate_cache.hpp"
#include "crypto/signing.hpp"
#include "wire/codec_context.hpp"
#include "wire/node_id.hpp"
#include "wire/store.hpp"

namespace reload::sim {

struct StorageSettings {
  std::size_t values = 0;        // values the workload stores (0: storage not simulated)
  std::size_t value_bytes = 64;  // each value's payload (SIM-VALUE only)
  // The values are XMPP-LOCATION records (XEP-0415, Kind 5, dictionary, USER-NODE-MATCH
  // against the certificate's xmppAddr): value i is device i's route location, keyed by the
  // device's Node-ID, at the Resource-ID of the bare JID u000000i@sim.example; a lookup
  // fetches the whole dictionary, as a JID lookup does. Otherwise SIM-VALUE (below).
  bool xmpp_location = false;
  std::uint32_t lifetime_s = 30 * 24 * 3600;  // longer than any run
};

// One value the workload stores: where, the StoreReq body that stores it, its user's
// certificate (carried in the Store's security block), and the payload a Fetch must return
// (for XMPP-LOCATION: the encoded XmppLocation, under dictionary key `key`).
struct SimValue {
  wire::ResourceId resource;
  wire::Buffer store_req;
  crypto::Certificate storer;
  wire::Buffer payload;
  wire::Buffer key;
};

class StorageWorld {
 public:
  static constexpr wire::KindId sim_value_kind = 0x5349;  // SIM-VALUE: single value, USER-MATCH
  static constexpr const char* overlay_name = "sim.example";

  explicit StorageWorld(const StorageSettings& settings);
  StorageWorld(const StorageWorld&) = delete;
  StorageWorld& operator=(const StorageWorld&) = delete;

  const config::Configuration& configuration() const noexcept { return configuration_; }
  wire::KindId kind() const noexcept { return kind_; }
  bool xmpp_location() const noexcept { return kind_ == wire::kinds::xmpp_location; }
  const wire::CodecContext& codec() const noexcept { return codec_; }
  crypto::CertificateCache& cache() noexcept { return *cache_; }
  // The request signer for a storage request that carries no real certificate (replica
  // stores, hand-offs and Fetches, where the store does not look at it).
  const crypto::VerifiedSigner& anonymous() const noexcept { return *anonymous_; }
  const std::vector<SimValue>& values() const noexcept { return values_; }
  // Index of the value stored at `resource`, or values().size().
  std::size_t index_of(const wire::ResourceId& resource) const;
  // Seconds of host time it took to make the CA, certificates and signatures.
  double setup_seconds() const noexcept { return setup_seconds_; }

 private:
  wire::KindId kind_ = sim_value_kind;
  config::Configuration configuration_;
  wire::DataModelTable models_;
  wire::CodecContext codec_;
  std::unique_ptr<crypto::CertificateCache> cache_;
  std::optional<crypto::VerifiedSigner> anonymous_;
  std::vector<SimValue> values_;
  std::vector<std::pair<wire::ResourceId, std::size_t>> by_resource_;  // sorted
  double setup_seconds_ = 0;
};

}  // namespace reload::sim
