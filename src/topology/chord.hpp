// CHORD-RELOAD (RFC 6940 section 10) as a sans-I/O state machine (DESIGN.md principle 1).
//
// The node shell feeds it events (a link came up or went down, an Update, Join or Leave
// arrived, time passed) and drains the effects it asks for (open a link by Attach, send an
// Update, Join or Leave). It owns no sockets and no clock: `now` comes in with every event,
// and periodic(now) says when it next wants to be woken, as OpenDHT's periodic() does. The
// same core runs under Asio in reload-node and on virtual time in the simulator and tests.
//
// The routing table only ever holds peers this node has a link to and knows to be in the
// ring; a peer learned from somebody's Update is attached to (source-routed through the peer
// that named it, section 10.6) before it is used.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <variant>
#include <vector>

#include "topology/finger_table.hpp"
#include "topology/neighbor_table.hpp"
#include "wire/topology.hpp"

namespace reload::topology {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

struct ChordSettings {
  std::size_t successors = 3;
  std::size_t predecessors = 3;
  std::chrono::milliseconds update_interval{std::chrono::seconds(600)};  // chord-update-interval
  std::chrono::milliseconds ping_interval{std::chrono::seconds(3600)};   // chord-ping-interval
  bool reactive = true;                                                  // chord-reactive
  // Links a peer keeps before it refuses Attaches from peers it does not need (DESIGN.md
  // principle 5). Others' finger Attaches land on whoever answers for a point: without a
  // bound, a peer that answered for a wide range a while (early in an overlay's life, or
  // placed wrongly) collected thousands (reload-sim). A refused peer's finger entry stays
  // empty and is searched again at another point of its range.
  std::size_t max_links = 1024;
};

// Why this node asked for a link; the shell hands it back in on_attached().
enum class AttachPurpose : std::uint8_t { join, neighbor, finger };

namespace effect {
// Open a link to `peer` by an Attach with destination list [via, peer]: source-routed
// through the linked peer that named it (section 10.6), or, with no `via`, routed
// conventionally to the Node-ID.
struct AttachToPeer {
  NodeId peer;
  std::optional<NodeId> via;
};
// Open a link to whichever peer is responsible for `key`: an Attach routed conventionally
// (join: key = self + 1, with send_update; finger i: a point of its range), or, with `via`,
// by destination list [via, key]: routed from there.
struct AttachToKey {
  NodeId key;
  AttachPurpose purpose = AttachPurpose::finger;
  bool send_update = false;
  std::optional<NodeId> via;
};
struct SendJoin {
  NodeId to;
};
struct SendUpdate {
  NodeId to;
  wire::ChordUpdate update;
};
struct SendLeave {
  NodeId to;
  wire::ChordLeaveData data;
};
// The range this node is responsible for changed (its first predecessor changed): storage
// hands data in (new_predecessor, old range] over and tops up replicas (section 10.7.3).
struct ResponsibilityChanged {
  std::optional<NodeId> old_predecessor;
  std::optional<NodeId> new_predecessor;
};
// This node's successor list changed: replicas may have to move (section 10.4).
struct SuccessorsChanged {};
// A farther predecessor changed, the range this node is responsible for did not: a replica
// held here may have lost its owner, whose successor may not hold it (a mass failure).
struct PredecessorsChanged {};
struct Joined {};
}  // namespace effect

using Effect = std::variant<effect::AttachToPeer, effect::AttachToKey, effect::SendJoin,
                            effect::SendUpdate, effect::SendLeave, effect::ResponsibilityChanged,
                            effect::SuccessorsChanged, effect::PredecessorsChanged, effect::Joined>;

// Where a message for a key goes next (section 10.3).
struct RouteDecision {
  bool deliver_here = false;
  std::optional<NodeId> next_hop;  // empty with !deliver_here: no route (no links at all)
};

class Chord {
 public:
  enum class State : std::uint8_t { idle, joining, joined, left };

  Chord(NodeId self, ChordSettings settings, std::uint64_t seed);

  // The first peer of a new overlay: alone in the ring, responsible for everything.
  void create(TimePoint now);
  // Join through the bootstrap link(s) the shell already has (section 10.5): an Attach to
  // the peer responsible for self + 1 (the admitting peer), then a Join to it.
  void join(TimePoint now);
  // A link is up. `purpose` is set when this node asked for it (the shell echoes it);
  // a peer that attached to us is not in the ring until it joins or sends an Update.
  void on_attached(const NodeId& peer, std::optional<AttachPurpose> purpose, TimePoint now);
  // An Attach this node asked for failed (timed out or refused): forget the peer.
  void on_attach_failed(const NodeId& peer, TimePoint now);
  // A link is gone (closed, failed, timed out): a peer failure (section 10.7.1).
  void on_detached(const NodeId& peer, TimePoint now);
  // The link to `peer` went quiet (a frame unacknowledged past the link's RTO): out of the
  // routing table as if the peer had failed (section 6.6.5), but remembered, so that acks
  // resuming before the link is given up restore it.
  void on_link_quiet(const NodeId& peer, TimePoint now);
  void on_link_resumed(const NodeId& peer, TimePoint now);
  void on_update(const NodeId& from, const wire::ChordUpdate& update, TimePoint now);
  // As admitting peer: `joiner` (already attached) sent a JoinReq; the shell answers it.
  void on_join_request(const NodeId& joiner, TimePoint now);
  // As joining node: the admitting peer answered our Join.
  //
  // A joining node is part of the ring, responsible for its range and announced to its
  // neighbors (step 9 of section 10.5), only once the admitting peer's Update labels it
  // its predecessor (step 7). That Update comes after the data the joiner is to hold
  // (step 6): responsible earlier, it would answer for its range from an empty store, and
  // announced earlier, peers would route that range to it. If that Update has not come
  // within admission_wait of the JoinAns, it joins once more (a fresh Attach to self + 1
  // and a Join); after another admission_wait without it, it takes its place anyway.
  void on_join_answer(const NodeId& admitting_peer, TimePoint now);
  static constexpr std::chrono::seconds admission_wait{5};
  // At most one Attach to self - 1 per interval when an Update shows that this node's view of
  // its own neighborhood is wrong (see on_update).
  static constexpr std::chrono::seconds place_check_interval{5};
  // In the ring as the admitting peer's predecessor (always, for the peer that created it).
  bool admitted() const noexcept { return admitted_; }
  void on_leave(const NodeId& from, const wire::ChordLeaveData& data, TimePoint now);
  // `peer` asked for this node's view (a RouteQuery with send_update): an Update goes to it.
  void send_update_to(const NodeId& peer, TimePoint now);
  // Leave the overlay: a Leave to every neighbor (section 10.9).
  void leave(TimePoint now);
  // Periodic stabilisation: Updates to neighbors every chord-update-interval (jittered) and
  // finger repair every chord-ping-interval. Returns when to call it next.
  TimePoint periodic(TimePoint now);

  RouteDecision route(const NodeId& key) const;
  bool responsible_for(const NodeId& key) const;
  wire::ChordUpdate make_update(wire::ChordUpdateType type, TimePoint now) const;

  std::vector<Effect> take_effects() { return std::exchange(effects_, {}); }

  const NodeId& self() const noexcept { return neighbors_.self(); }
  State state() const noexcept { return state_; }
  const NeighborTable& neighbors() const noexcept { return neighbors_; }
  const FingerTable& fingers() const noexcept { return fingers_; }
  const std::set<NodeId>& links() const noexcept { return links_; }
  // Whether to answer an Attach from `peer` with a link: below max_links, or a peer that
  // belongs in the neighbor table (the ring needs it), or one we are attaching to.
  bool accepts_link(const NodeId& peer) const {
    return links_.size() < settings_.max_links || neighbors_.wants(peer) || pending_.contains(peer);
  }
  // An Attach to `peer` was asked for and its link is not up yet.
  bool attaching_to(const NodeId& peer) const { return pending_.contains(peer); }

 private:
  void admit(const NodeId& peer);  // a linked ring member enters the routing table
  void learn(const NodeId& peer, const NodeId& from);
  // Emits what follows from a change of the neighbor table since `before`.
  void neighbors_changed(const NeighborTable& before, bool force_updates, TimePoint now);
  void refill(TimePoint now);
  bool may_attach() const noexcept;  // below the bound on Attaches in flight
  void update_all_neighbors(TimePoint now);
  void take_place(TimePoint now);  // admitted: step 9 of section 10.5
  void search_fingers(bool all_invalid);
  bool far_from_place(const NodeId& from, const wire::ChordUpdate& update) const;
  std::optional<NodeId> first_predecessor() const;
  std::chrono::milliseconds jitter(std::chrono::milliseconds interval);

  ChordSettings settings_;
  NeighborTable neighbors_;
  FingerTable fingers_;
  State state_ = State::idle;
  TimePoint started_{};
  TimePoint next_update_{};
  TimePoint next_finger_{};
  std::optional<NodeId> admitting_peer_;  // whose Update admits us (section 10.5 step 7)
  bool admitted_ = false;
  int admission_retries_ = 0;
  TimePoint admitted_by_{};  // when we take our place without that Update
  TimePoint next_place_check_{};
  std::set<NodeId> links_;                 // peers with a link up
  std::set<NodeId> members_;               // linked peers known to be in the ring
  std::set<NodeId> pending_;               // Attaches asked for, not yet up (bounded: may_attach)
  std::map<NodeId, bool> quiet_;           // linked but quiet: whether each was a ring member
  std::map<NodeId, NodeId> learned_from_;  // ring members heard of, and who named them
  std::mt19937_64 random_;
  std::vector<Effect> effects_;
};

}  // namespace reload::topology
