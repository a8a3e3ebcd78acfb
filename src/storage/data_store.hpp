// The data store of a peer (RFC 6940 section 7): Store, Fetch, Stat and Find over the values
// this peer keeps, and the hooks the node shell needs to move them when the ring changes
// (section 10.4 and 10.7.3). Sans-I/O (DESIGN.md principle 1): no sockets, no timers, no
// clock; every call that depends on time takes `now`.
//
// Shape of the answers. A method takes the decoded request body and returns
// Result<wire::Buffer>: the encoded answer body (StoreAns, FetchAns, StatAns, FindAns) the
// shell wraps in MessageContents, or a StorageError (storage_error.hpp) whose code and
// error_info go into the ErrorResponse as they are. Nothing throws across this API.
//
// What the store checks and what it leaves to the shell:
//  * it checks Kinds, every StoredData's signature (through src/crypto and the certificate
//    cache), the Kind's access policy for the value's signer and, for original stores, for
//    the StoreReq's signer; generation counters, storage times, max-size and max-count;
//  * the shell verifies the message signature itself (verify_message) and passes the
//    verified signer; it decides whether this peer is responsible for the resource (replica
//    number 0) or a plausible replica (non-zero), which is the topology's business.
//
// Generation counters (section 7.4.1.1) rise by one per Kind on every store that changes
// something; identical bytes stored again change nothing. Once every value of a Kind at a
// Resource-ID has expired the set is forgotten, and a later one starts above every counter
// this store forgot, never again at 1.
//
// Atomicity (section 7.4.1.1): store() checks every value of every Kind before it changes
// anything, so a refused request leaves the store exactly as it was.
//
// Memory: each value is stored once, as its encoded bytes. Per value on LP64: the
// StoredValue (56 bytes: the Buffer, the expiry, the shared storer certificate, an offset)
// plus the allocator's header of its one heap block, plus one expiry-heap entry (64 bytes;
// replaced values leave stale entries, at most one more per value before the heap is
// rebuilt). A (Resource-ID, Kind) set costs 40 bytes, a Resource-ID a std::map node.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "crypto/certificate.hpp"
#include "storage/kind_set.hpp"
#include "storage/node_multiple_index.hpp"
#include "storage/ring_range.hpp"
#include "storage/storage_config.hpp"
#include "storage/storage_error.hpp"
#include "storage/stored_value.hpp"
#include "wire/fetch.hpp"
#include "wire/find.hpp"
#include "wire/node_id.hpp"
#include "wire/security_block.hpp"
#include "wire/store.hpp"

namespace reload::crypto {
class CertificateCache;
struct VerifiedSigner;
}  // namespace reload::crypto

namespace reload::storage {

// What a Store needs besides its body.
struct StoreContext {
  crypto::CertificateCache& cache;  // finds and verifies the storers' certificates
  std::span<const wire::GenericCertificate> certificates;  // the StoreReq's security block
  // The verified signer of the StoreReq (crypto::verify_message). Required when the
  // replica_number is 0: the RFC makes the request's signer pass the Kind's policy too, and
  // without it the store is refused. Ignored for replica stores.
  const crypto::VerifiedSigner* request_signer = nullptr;
  std::span<const wire::NodeId> replicas;  // where this peer will replicate: the StoreAns lists them
  TimePoint now;                           // starts the lifetimes
  crypto::Certificate::Clock::time_point wall_now;  // checks the certificates' validity
};

// One (Resource-ID, Kind) set with live values.
struct StoredSet {
  wire::ResourceId resource;
  wire::KindId kind = 0;
  std::uint64_t generation = 0;
  std::uint8_t replica_number = 0;
  std::size_t values = 0;  // live ones, tombstones included
};

// A StoreReq that gives a resource's values to another peer.
struct HandOff {
  wire::Buffer store_req;                         // an encoded StoreReq body
  std::vector<crypto::Certificate> certificates;  // each storer's, once: for its security block
};

struct StoreStats {
  std::size_t resources = 0;
  std::size_t sets = 0;
  std::size_t values = 0;         // held, expired ones not yet purged included
  std::size_t encoded_bytes = 0;  // sum of the values' encoded sizes
};

class DataStore {
 public:
  explicit DataStore(StorageConfig config);

  const StorageConfig& config() const noexcept { return config_; }

  // Section 7.4.1. Refusals: Error_Invalid_Message (a Kind twice, a value that does not
  // decode as its Kind's model, a replica store with generation 0), Error_Unknown_Kind
  // (error_info: the unknown Kind-IDs), Error_Forbidden (unsigned or badly signed value,
  // policy refused, no request signer), Error_Generation_Counter_Too_Low (error_info: a
  // StoreAns of the current counters), Error_Data_Too_Old, Error_Data_Too_Large (max-size,
  // max-count, a full array).
  Result<wire::Buffer> store(const wire::StoreReq& request, const StoreContext& ctx);

  // Section 7.4.2. Values missing or expired come back as the RFC's synthesized
  // non-existent values; an answer that would exceed `max_answer_size` bytes is
  // Error_Response_Too_Large (also the bound on what a sparse array's gaps can cost). The
  // storers' certificates of the values answered go into `storers`, each once: the FetchAns
  // must carry them (section 6.3.4).
  Result<wire::Buffer> fetch(const wire::FetchReq& request, TimePoint now, std::size_t max_answer_size,
                             std::vector<crypto::Certificate>* storers = nullptr) const;
  // Section 7.4.3: as fetch(), with metadata (SHA-256 digests) instead of values.
  Result<wire::Buffer> stat(const wire::StatReq& request, TimePoint now,
                            std::size_t max_answer_size) const;
  // Section 7.4.4: per Kind, the first Resource-ID at or clockwise after the request's that
  // holds live values of that Kind, without leaving `responsible`; a zero-length Resource-ID
  // when there is none or the Kind is unknown. Error_Not_Found when the request's
  // Resource-ID is outside `responsible`.
  Result<wire::Buffer> find(const wire::FindReq& request, const RingRange& responsible,
                            TimePoint now) const;

  // Removes every value whose lifetime has ended; returns how many.
  std::size_t expire(TimePoint now);
  // When to call expire() next. Never later than the next expiry; it may be earlier (a value
  // was replaced since), in which case expire() finds nothing and the next call is later.
  std::optional<TimePoint> next_expiry() const noexcept;

  // Replication (sections 10.4, 10.7.3). The shell decides where data goes; the store
  // enumerates, copies, forgets and relabels.
  std::vector<StoredSet> stored_sets(TimePoint now) const;
  // Every live value of `resource` (tombstones included) in StoreReqs with `replica_number`
  // (use 1 or more: the receiver treats 0 as an original store and would check the counters
  // and the request's signer), each Kind with its current generation counter, each value
  // byte for byte as stored except for its lifetime, lowered to what is left. The values are
  // split over as many StoreReqs as it takes to keep each one's body and storers'
  // certificates within `max_size` bytes (a replica store adds its values slot by slot, so
  // the parts add up); a single value larger than that goes alone. Empty when nothing live
  // is stored there.
  std::vector<HandOff> hand_off(const wire::ResourceId& resource, std::uint8_t replica_number, TimePoint now,
                                std::size_t max_size = std::numeric_limits<std::size_t>::max()) const;
  // Section 7.4.1.1's resynchronisation: a peer refused our copy of `resource` as older
  // (Error_Data_Too_Old, Error_Generation_Counter_Too_Low) and `fetched` is what it holds.
  // Its values that are newer than ours in their slot (or fill a slot we lack) replace
  // ours, each checked as a replica store checks it (signature, Kind, policy, size, count),
  // all or nothing; each Kind that took values takes the peer's generation counter. The
  // resource keeps its replica number here. Returns how many values were taken.
  Result<std::size_t> adopt_newer(const wire::ResourceId& resource, const wire::FetchAns& fetched,
                                  const StoreContext& ctx);
  // A FetchReq for every value of every Kind stored at `resource` (none: nothing stored).
  std::optional<wire::FetchReq> fetch_everything(const wire::ResourceId& resource) const;
  // Forgets every resource outside `keep`; returns how many values went.
  std::size_t drop_outside(const RingRange& keep);
  // Forgets one resource (a replica this peer no longer keeps); returns how many values went.
  std::size_t drop(const wire::ResourceId& resource);
  // Relabels every set inside `range`: 0 when this peer became responsible for it, n when
  // it now holds it as the n-th replica. Returns how many sets changed.
  std::size_t set_replica_number(const RingRange& range, std::uint8_t replica_number);
  // The same for every set of one resource (a hand-off its new owner acknowledged).
  std::size_t set_replica_number(const wire::ResourceId& resource, std::uint8_t replica_number);

  // Introspection.
  std::uint64_t generation(const wire::ResourceId& resource, wire::KindId kind) const noexcept;
  std::optional<std::uint8_t> replica_number(const wire::ResourceId& resource,
                                             wire::KindId kind) const noexcept;
  // The lowest replica number of the resource's sets: 0 when any of it is primary here.
  std::optional<std::uint8_t> replica_number(const wire::ResourceId& resource) const noexcept;
  StoreStats stats() const noexcept;

 private:
  struct ExpiryEntry {
    TimePoint at;
    wire::ResourceId resource;
    wire::KindId kind = 0;
  };
  using Resource = std::vector<KindSet>;  // a few Kinds per Resource-ID: a flat list

  const KindSet* find_set(const wire::ResourceId& resource, wire::KindId kind) const noexcept;
  KindSet& set_for(const wire::ResourceId& resource, const config::KindDefinition& kind);
  void schedule(TimePoint at, const wire::ResourceId& resource, wire::KindId kind);
  void retire(const KindSet& set) noexcept;
  // Forgets the resource `it` points to; returns the next one and how many values went.
  using Resources = std::map<wire::ResourceId, Resource>;
  Resources::iterator forget(Resources::iterator it, std::size_t& dropped) noexcept;
  void compact_expiry_heap();

  StorageConfig config_;
  NodeMultipleIndex node_multiple_;
  Resources resources_;
  std::vector<ExpiryEntry> expiry_heap_;  // a min-heap on `at`; stale entries are harmless
  std::size_t value_count_ = 0;
  // The highest generation counter of a set this store forgot (expired or dropped). A set
  // made later starts above it, so a counter never repeats for a Resource-ID and Kind: a
  // requester holding an old counter cannot mistake new values for the ones it saw.
  std::uint64_t retired_generation_ = 0;
};

}  // namespace reload::storage
