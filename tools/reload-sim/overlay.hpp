// The overlay: every simulated node as a plain core object in one table, and the network
// between them (LinkLayer on an OverlayChannel). Nodes are not ns3::Nodes and have no IP
// stack; a message is an ns-3 event that hands the encoded bytes to the receiving node's
// object after the channel's delay.
//
// Links: an Attach answered makes the dialler connect(); both ends see the link up after
// `handshake_round_trips` round trips (ICE checks and the DTLS handshake, not simulated
// byte by byte). A crashed node's peers notice after `failure_detection` (reload-node's link
// layer: a frame unacknowledged past the RTO, at least 1 s; an idle link's keepalive after
// 5 s); a node that leaves closes its links after `leave_linger`, and its peers see them
// close one way-latency later.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "link_layer.hpp"
#include "overlay_channel.hpp"
#include "run_stats.hpp"
#include "sim_node.hpp"

namespace reload::sim {

struct OverlaySettings {
  ChannelSettings channel;
  NodeSettings node;
  int handshake_round_trips = 2;
  std::chrono::milliseconds failure_detection{std::chrono::seconds(2)};
  std::chrono::milliseconds leave_linger{std::chrono::milliseconds(500)};
  std::uint64_t seed = 1;
};

class Overlay final : public LinkLayer {
 public:
  // `settings`, `stats` and `storage` (null: no storage) outlive the overlay.
  Overlay(const OverlaySettings& settings, RunStats& stats, StorageWorld* storage = nullptr);
  ~Overlay() override;

  // The first node: it creates the ring.
  void start_first(const NodeId& id);
  // A new node links to `bootstrap` (a TLS handshake's round trips) and joins through it.
  void start_joining(const NodeId& id, const NodeId& bootstrap);
  // The node stops at once; its peers find out by failure detection.
  void crash(const NodeId& id);
  // The node sends Leave to its neighbours, then closes its links.
  void leave(const NodeId& id);

  SimNode* node(const NodeId& id);
  const SimNode* node(const NodeId& id) const;
  std::size_t size() const noexcept { return index_.size(); }
  // Live nodes in ring order.
  const std::map<NodeId, std::uint32_t>& live() const noexcept { return index_; }
  // The ring's truth: the first admitted live node at or after `key`.
  NodeId owner_of(const NodeId& key) const;
  // Admitted nodes whose first successor is not the next admitted node of the ring: 0 once
  // the ring is consistent.
  std::size_t wrong_successors() const;
  // Links per live node: mean and most.
  std::pair<double, std::size_t> links_per_node() const;
  // Every node's counters, departed ones included.
  NodeCounters counters() const;
  // With storage: for each value of the StorageWorld, the live nodes that hold a live copy
  // of it (primary or replica), by channel endpoint.
  std::vector<std::vector<std::uint32_t>> holders() const;
  // The admitted ring's owner of `key` and the `count` admitted nodes after it: where the
  // value at `key` belongs (the owner and its replicas, section 10.4).
  std::vector<NodeId> owner_and_successors(const NodeId& key, std::size_t count) const;
  std::uint32_t endpoint_of(const NodeId& id) const { return index_.at(id); }

  void send(const NodeId& from, const NodeId& to, wire::Buffer bytes) override;
  void connect(const NodeId& dialler, const NodeId& answerer) override;

 private:
  std::uint32_t add(const NodeId& id);
  SimNode* at(std::uint32_t index) { return index < nodes_.size() ? nodes_[index].get() : nullptr; }
  void link_to_bootstrap(std::uint32_t joiner, std::uint32_t bootstrap);
  ns3::Time round_trip(std::uint32_t a, std::uint32_t b) const;
  // Takes the node out of the table; each peer sees the link go down after `notice`
  // (failure detection), or without one as soon as the closing reaches it. `id` is a copy:
  // callers may pass the node's own, which goes with the node.
  void remove(NodeId id, std::optional<ns3::Time> notice);

  const OverlaySettings& settings_;
  RunStats& stats_;
  StorageWorld* storage_;
  OverlayChannel channel_;
  std::vector<std::unique_ptr<SimNode>> nodes_;  // by channel endpoint; empty once departed
  std::map<NodeId, std::uint32_t> index_;        // live nodes
  std::set<std::pair<std::uint32_t, std::uint32_t>> connecting_;
  NodeCounters departed_;
};

}  // namespace reload::sim
