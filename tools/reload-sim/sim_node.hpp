// One simulated RELOAD peer: the project's Chord core (src/topology) behind a small shell
// that does what src/node's OverlayNode does for it in production, on virtual time. Every
// message is a real RFC 6940 message, encoded with src/wire; an intermediate peer reads only
// the forwarding header (peek_header), decides with src/node's decide() and rewrites the
// header (rewrite_header), as reload-node does; only the peer it is for decodes it.
//
// What the shell does, as OverlayNode does it: Chord's effects become Attach, Join, Update
// and Leave requests; an Attach answered by a peer we have no link to makes a link (the
// simulated ICE and DTLS set-up, LinkLayer::connect); a link that comes up is handed to
// Chord with the purpose this node asked for it; periodic() is called whenever Chord asked
// to be woken. Requests time out after `request_timeout`.
//
// Not modelled (docs/simulator.md): ICE candidates and their checks (an Attach carries one
// host candidate and the link comes up after a fixed number of round trips), the link
// layer's acks and retransmissions, fragmentation, configuration updates, and signatures
// (stand_in_security.hpp).
//
// Storage, when the run has a StorageWorld: the node owns src/node's StorageService over
// src/storage's DataStore, as OverlayNode does, and is its ReplicaSender (replica stores,
// hand-offs and resynchronising Fetches go out as this node's requests). The service hears
// of every ring change (Chord's ResponsibilityChanged, PredecessorsChanged and
// SuccessorsChanged), and a joiner is admitted only once the data of its range was handed
// to it, within JoinAdmissions' bounds (RFC 6940 section 10.5 step 6).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include <ns3/event-id.h>

#include "link_layer.hpp"
#include "node/forwarding_decision.hpp"
#include "node/join_admissions.hpp"
#include "node/storage_service.hpp"
#include "sim_storage.hpp"
#include "stand_in_security.hpp"
#include "topology/chord.hpp"
#include "wire/codec_context.hpp"
#include "wire/destination.hpp"
#include "wire/message.hpp"
#include "wire/message_contents.hpp"

namespace reload::sim {

using wire::NodeId;

struct NodeSettings {
  topology::ChordSettings chord;
  std::chrono::milliseconds request_timeout{std::chrono::seconds(3)};
  std::chrono::milliseconds join_retry{std::chrono::seconds(1)};
  std::uint32_t overlay = 0x5253494d;
  std::size_t node_id_length = 16;
  std::uint32_t max_message_size = 5000;
  SecuritySettings security;
};

struct LookupResult {
  bool answered = false;  // false: timed out
  NodeId responder;       // the peer that answered (from its certificate)
  int hops = 0;           // links the request crossed (from the answer's via list)
  std::chrono::nanoseconds latency{};
  bool value_found = false;  // a Fetch: the answer held the value stored, byte for byte
};

// What went wrong inside one node; the overlay adds them up.
struct NodeCounters {
  std::uint64_t ttl_exhausted = 0;  // a message that went round in circles until its TTL ran out
  std::uint64_t no_route = 0;       // forwarding found no linked peer to pass a message to
  std::uint64_t dropped = 0;        // anything else refused or not handled
  std::uint64_t undecodable = 0;  // a message for this node that did not decode
  std::uint64_t timeouts = 0;     // requests of any kind that got no answer
  std::uint64_t storage_refused = 0;  // replica stores and hand-offs not answered with a StoreAns
  std::uint64_t links_refused = 0;    // Attaches refused past Chord's max_links
};

class SimNode final : private node::RoutingOracle, private node::ReplicaSender {
 public:
  using LookupDone = std::function<void(const LookupResult&)>;

  // `settings`, `links` and `storage` (null: no storage) outlive the node.
  SimNode(NodeId id, const NodeSettings& settings, LinkLayer& links, std::uint64_t seed,
          StorageWorld* storage = nullptr);
  ~SimNode() override;
  SimNode(const SimNode&) = delete;
  SimNode& operator=(const SimNode&) = delete;

  void create();  // the first peer of the overlay
  void join();    // through the bootstrap link, which must already be up
  void leave();   // a Leave to every neighbour (section 10.9)
  // A Ping routed to the peer responsible for `key` (section 6.5.3).
  void lookup(const NodeId& key, LookupDone done);
  // A Fetch of `value` routed to its Resource-ID (section 7.4.2); needs storage.
  void fetch(const SimValue& value, LookupDone done);
  // An original Store of `value` (section 7.4.1), carrying its user's certificate; `done`
  // hears whether a StoreAns came back.
  void store(const SimValue& value, std::function<void(bool stored)> done);

  void on_link_up(const NodeId& peer);
  void on_link_failed(const NodeId& peer);  // a connect() of ours that never came up
  void on_link_down(const NodeId& peer);    // closed by the peer, or its failure detected
  void receive(const NodeId& previous_hop, wire::Bytes bytes);

  const NodeId& id() const noexcept { return chord_.self(); }
  const topology::Chord& chord() const noexcept { return chord_; }
  bool linked(const NodeId& peer) const { return has_link(peer); }
  // Linked peers, in Node-ID order.
  const std::vector<NodeId>& links() const noexcept { return links_; }
  const NodeCounters& counters() const noexcept { return counters_; }
  const node::StorageService* storage() const noexcept { return storage_.get(); }

 private:
  using Answered = std::function<void(const wire::Message*)>;  // nullptr: no answer in time
  struct Pending {
    Answered done;
    ns3::EventId timer;
  };
  // An Attach this node sent: why, and for which peer if it named one.
  struct Dial {
    topology::AttachPurpose purpose = topology::AttachPurpose::finger;
    std::optional<NodeId> peer;
  };

  // node::RoutingOracle, for decide().
  const NodeId& self() const override { return chord_.self(); }
  bool responsible_for(const NodeId& key) const override { return chord_.responsible_for(key); }
  std::optional<NodeId> next_hop(const NodeId& key) const override;
  bool connected(const NodeId& peer) const override { return has_link(peer); }
  bool has_link(const NodeId& peer) const { return std::binary_search(links_.begin(), links_.end(), peer); }

  // node::ReplicaSender, for the StorageService.
  void send_store(wire::DestinationList to, wire::Buffer store_req, std::vector<crypto::Certificate> certificates,
                  Acknowledged done) override;
  void send_fetch(wire::DestinationList to, wire::Buffer fetch_req, Fetched done) override;

  // sim_node.cpp: messages in and out. `extra`: certificates after the stand-in one in the
  // security block (a Store's storers, a FetchAns's).
  void request(wire::DestinationList to, wire::MessageCode code, wire::Buffer body, Answered done,
               std::span<const crypto::Certificate> extra = {});
  void reply(const wire::Message& request, const NodeId& previous_hop, wire::MessageCode code,
             wire::Buffer body, std::span<const crypto::Certificate> extra = {});
  wire::Buffer build(std::uint64_t transaction_id, wire::DestinationList to, wire::MessageCode code,
                     wire::Bytes body, std::span<const crypto::Certificate> extra) const;
  // A request routed to `key` whose answer is a lookup's: who answered, over how many hops.
  void routed(const wire::ResourceId& key, wire::MessageCode code, wire::Buffer body,
              std::function<void(const wire::Message*, LookupResult&)> judge, LookupDone done);
  void pass_on(const NodeId& previous_hop, wire::Bytes bytes, bool own);
  void deliver(const NodeId& previous_hop, wire::Bytes bytes);
  // Who signed a received message: the stand-in's Node-ID, or the verified signer's.
  std::optional<NodeId> signer_of(const wire::Message& m) const;
  // The signer of the answer being handed to its request's callback (set by deliver(), which
  // verified it): the callbacks read it instead of verifying the answer again.
  NodeId answered_by_;
  void answered(const wire::Message& m);
  void settle();  // after every event: Chord's effects carried out, its wake-up set

  // sim_node_methods.cpp: what each request does, and what Chord's effects become.
  void handle_request(const wire::Message& m, const NodeId& sender, const NodeId& previous_hop);
  void on_attach(const wire::Message& m, const NodeId& sender, const NodeId& previous_hop);
  void on_join(const wire::Message& m, const NodeId& sender, const NodeId& previous_hop);
  void on_update(const wire::Message& m, const NodeId& sender, const NodeId& previous_hop);
  void on_leave(const wire::Message& m, const NodeId& sender, const NodeId& previous_hop);
  void on_ping(const wire::Message& m, const NodeId& previous_hop);
  void on_storage(const wire::Message& m, const NodeId& sender, const NodeId& previous_hop);
  // Section 10.5 step 6: with storage, the joiner gets its range's data before it is admitted.
  void admit(const NodeId& joiner);
  void carry_out_effects();
  void send_attach(wire::DestinationList to, Dial dial, bool send_update);
  void attach_answered(const NodeId& answerer, const Dial& dial);
  void send_join(const NodeId& admitting_peer);
  void retry_join();
  wire::Buffer attach_body(bool send_update) const;

  const NodeSettings& settings_;
  LinkLayer& link_layer_;
  topology::Chord chord_;
  StandInSecurity security_;
  wire::CodecContext codec_;
  node::LocalPolicy policy_;
  wire::Buffer own_via_;  // this node's Destination, encoded: appended when it forwards
  // Linked peers, sorted: a flat set, as a node has a few dozen links and a hundred thousand
  // nodes each hold theirs (a std::map with each peer's encoded Destination took 4 KiB a node).
  std::vector<NodeId> links_;
  std::map<NodeId, Dial> dialling_;       // Attach answered, link not up yet
  std::map<NodeId, bool> answering_;      // we answered their Attach; send_update asked for
  std::map<std::uint64_t, Pending> pending_;
  // Transaction ids and PingAns response ids: SplitMix64, 8 bytes of state (a mt19937_64 took
  // 2.5 KiB a node).
  struct SplitMix64 {
    std::uint64_t state;
    std::uint64_t operator()() noexcept {
      std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      return z ^ (z >> 31);
    }
  };
  SplitMix64 random_;
  ns3::EventId wake_;
  ns3::EventId join_retry_;
  topology::TimePoint wake_at_{topology::TimePoint::max()};
  NodeCounters counters_;
  StorageWorld* world_ = nullptr;
  std::unique_ptr<node::StorageService> storage_;
  node::JoinAdmissions admissions_;
};

}  // namespace reload::sim
