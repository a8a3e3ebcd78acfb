// The node's side of storage (RFC 6940 sections 7 and 10.4): serves Store, Fetch, Stat and
// Find from a DataStore, decides responsibility and replica plausibility from the neighbor
// table, and keeps replicas where Chord says they belong when the ring changes.
//
// Sans-I/O: what must go out (replica stores, hand-offs) is handed to a ReplicaSender; the
// shell signs and sends it. Replication rules:
//   * a successful original store is sent on to the first two successors (replica 1, 2),
//     after its StoreAns: section 7.4.1.2's replicas are those the data "was/will be"
//     replicated to, so the requester does not wait for the replicas' signatures and sends;
//     the shell calls replicate_stored() once the answer is on its way;
//   * a replica store is accepted from a peer in our neighbor table only, and when the
//     resource lies in our own range (a hand-off to a new responsible peer) it becomes
//     primary data here and is replicated on; a hand-off from a peer after us for a resource
//     before our range (its view is behind ours) is passed on to the predecessor that owns
//     it, as primary data here until that one has it;
//   * on every ring change: data in our range becomes primary; primary data is sent to the
//     successors when they changed; primary data now outside our range (peers joined in
//     front of us) is handed to its owner, the predecessor whose range holds it, by its
//     Node-ID, and kept as a replica once the hand-off is acknowledged: until then it stays
//     primary here, so the only copy is never demoted; when the owner changed while the
//     answers came (another join), the new owner gets it too;
//   * once a hand-off is acknowledged, our copy stays (as a replica) only when we are one
//     of its owner's two replicas: data passed on towards an owner before all our
//     predecessors left a copy at every peer on its way round the ring;
//   * when the owner of data we hold as a replica died and its range went to our first
//     predecessor, that one gets our copy (as a hand-off): after a mass failure it may hold
//     none, and nobody would hold the data as primary;
//   * a peer admitting a joiner (section 10.5 step 6) first hands it the primary data of the
//     joiner's range (hand_over_to_joiner), and only then admits it to the ring: until the
//     joiner holds the data, nobody routes that range to it;
//   * a hand-off or replica store that gets no answer (or a refusal that means the peer
//     does not hold the data) is tried again after retry_interval, for as long as it is
//     still due;
//   * an answer that the peer holds newer data (Error_Data_Too_Old,
//     Error_Generation_Counter_Too_Low) counts as acknowledged, and the newer data is
//     fetched from that peer to replace ours (section 7.4.1.1), one such Fetch per resource
//     at a time.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "config/configuration.hpp"
#include "crypto/signing.hpp"
#include "node/method_handler.hpp"
#include "storage/data_store.hpp"
#include "topology/neighbor_table.hpp"
#include "wire/destination.hpp"
#include "wire/message.hpp"

namespace reload::node {

class ReplicaSender {
 public:
  virtual ~ReplicaSender() = default;
  enum class Outcome : std::uint8_t {
    held,         // a StoreAns
    newer_there,  // Error_Data_Too_Old or Error_Generation_Counter_Too_Low: the peer holds newer data
    not_held,     // no answer, or any other refusal
  };
  // What became of a store, and when the answer came.
  using Acknowledged = std::function<void(Outcome, std::chrono::steady_clock::time_point now)>;
  // The FetchAns (its body and the storers' certificates in its security block), or null when
  // the Fetch failed; valid only during the call.
  using Fetched = std::function<void(const wire::Message* answer, std::chrono::steady_clock::time_point now)>;

  // Sends a StoreReq body (a hand-off) to `to`, carrying `certificates` in its security block;
  // `done` hears the outcome unless the node stops first.
  virtual void send_store(wire::DestinationList to, wire::Buffer store_req,
                          std::vector<crypto::Certificate> certificates, Acknowledged done) = 0;
  // Sends a FetchReq body to `to`; `done` hears the answer unless the node stops first.
  virtual void send_fetch(wire::DestinationList to, wire::Buffer fetch_req, Fetched done) = 0;
};

class StorageService final : public MethodHandler {
 public:
  using TimePoint = storage::TimePoint;

  // `neighbors` (Chord's table) decides responsibility; `cache` checks stored values' storers.
  StorageService(const config::Configuration& configuration, ReplicaSender& sender,
                 const topology::NeighborTable& neighbors, crypto::CertificateCache& cache);
  // Store, Fetch, Stat and Find.
  void register_in(MethodTable& table);

  // A Store, Fetch, Stat or Find addressed to this peer, its signature already verified. A
  // FetchAns carries the certificates of its values' storers (section 6.3.4).
  Reply handle(const IncomingRequest& request) override;

  // How long a hand-off or replica store that failed waits before it is sent again.
  static constexpr std::chrono::seconds retry_interval{5};

  // Hand-offs and replica stores due again; returns when to call it next.
  std::optional<TimePoint> periodic(TimePoint now);
  std::size_t unacknowledged() const noexcept { return retry_at_.size() + handing_off_.size(); }
  std::size_t resyncs_in_flight() const noexcept { return resyncing_.size(); }

  // How long answered Stores wait before their replicas go out, gathered: replication is
  // background work, and sent at once it competed for the CPU with the answers still on
  // their way back (and the requester's next Store). periodic() sends them.
  static constexpr std::chrono::milliseconds replication_delay{20};
  // Answered Stores waiting for it at most; one more sends them all at once (principle 5:
  // a flood of Stores cannot grow the list).
  static constexpr std::size_t max_waiting_replication = 1024;
  // Replicates what the Stores answered since the last call, now.
  void replicate_stored(TimePoint now);
  bool replication_due() const noexcept { return !stored_.empty() && !holding_replication_; }
  // While a joining peer is not yet admitted, its successors do not know it and would
  // refuse its replica stores: the data handed to it waits, and goes out once `hold` is
  // false (periodic() then sends it).
  void hold_replication(bool hold) noexcept { holding_replication_ = hold; }

  // Section 10.5 step 6, before `joiner` is admitted: hands it the primary data of its range,
  // (first predecessor, joiner] when it lies between our first predecessor and us. Returns
  // false when there is nothing to hand over; otherwise `done` runs once every resource was
  // answered (each one held by the joiner is then ours as replica 1), unless the node stops.
  bool hand_over_to_joiner(const wire::NodeId& joiner, TimePoint now, std::function<void()> done);

  // After the neighbor table changed (or periodically): relabels, replicates, hands off.
  void on_ring_changed(const topology::NeighborTable& neighbors, TimePoint now);

  std::optional<TimePoint> next_expiry() const noexcept { return store_.next_expiry(); }
  void expire(TimePoint now) { store_.expire(now); }
  const storage::DataStore& store() const noexcept { return store_; }

 private:
  storage::Result<wire::Buffer> handle_store(const wire::StoreReq& req, const wire::Message& m,
                                             const crypto::VerifiedSigner& signer, const wire::NodeId& sender,
                                             const topology::NeighborTable& neighbors,
                                             crypto::CertificateCache& cache, TimePoint now);
  void replicate(const wire::ResourceId& resource, const topology::NeighborTable& neighbors, TimePoint now);
  // Returns whether anything was sent; `then` runs once all its answers came.
  bool hand_off(const wire::ResourceId& resource, const wire::NodeId& to, TimePoint now,
                std::function<void()> then = {});
  void retry_later(const wire::ResourceId& resource, TimePoint now);
  // Section 7.4.1.1: `peer` refused our copy of `resource` as older; fetch its own.
  void resync(const wire::ResourceId& resource, const wire::NodeId& peer);
  void adopt(const wire::ResourceId& resource, const wire::Message& answer, TimePoint now);

  const config::Configuration& configuration_;
  wire::DataModelTable data_models_;
  ReplicaSender& sender_;
  const topology::NeighborTable& neighbors_;
  crypto::CertificateCache& cache_;
  storage::DataStore store_;
  std::vector<wire::NodeId> replica_targets_;  // the successors primary data was last sent to
  std::vector<wire::NodeId> previous_predecessors_;  // as on_ring_changed last saw them
  std::map<wire::ResourceId, TimePoint> retry_at_;  // at most one entry per stored resource
  std::set<wire::ResourceId> handing_off_;          // hand-offs awaiting their answers
  std::set<wire::ResourceId> resyncing_;            // Fetches of newer data awaiting answers
  std::vector<wire::ResourceId> stored_;            // answered Stores, to replicate next
  TimePoint stored_since_{};                        // when the first of them was answered
  bool holding_replication_ = false;
};

// (first predecessor, self]: the keys this peer is responsible for; the whole ring when it
// knows no predecessor.
storage::RingRange responsible_range(const topology::NeighborTable& neighbors);

}  // namespace reload::node
