// The Attach exchanges of one node (RFC 6940 section 6.5.1), sans-I/O: the Attaches it sent
// to known peers and why, the links it waits for after an answer, the peers it is dialling,
// and the answer section 6.5.1.2 prescribes when both ends attach to each other at once:
//
//   * no Attach of ours to the requester:           answer it;
//   * ours answered, the link is being set up:      Error_In_Progress;
//   * ours refused with Error_In_Progress:          answer it (it is the one that links us);
//   * ours not answered yet (both sent at once):    the smaller Node-ID cancels its own and
//                                                   answers; the larger answers
//                                                   Error_In_Progress and completes its own.
//
// Everything an Attach from a peer makes this node spend is bounded here: links awaited
// (each a timer), dials in flight (each a descriptor and a private-key handshake, to an
// address the requester chose), and dials in flight to one address (so the node cannot be
// used as a reflector against one host).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "topology/chord.hpp"
#include "wire/node_id.hpp"

namespace reload::node {

class AttachStates {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  struct Settings {
    std::chrono::milliseconds link_timeout{10000};  // after an answer, for the link to come up
    std::size_t max_awaited = 256;                  // links waited for, all peers
    std::size_t max_dials = 16;                     // dials in flight, all peers
    // Dials in flight to one IP address. Not fewer: several peers often share an address (a
  // host running many nodes, a NAT), and a listener takes 8 handshakes per address anyway.
  std::size_t max_dials_per_address = 8;
  };
  // What to tell Chord, and whether to send the peer an Update, once its link is up.
  struct Why {
    std::optional<topology::AttachPurpose> purpose;  // set when this node asked for the link
    bool send_update = false;                        // the peer's Attach asked for an Update
  };

  AttachStates(wire::NodeId self, Settings settings) : self_(std::move(self)), settings_(settings) {}

  // How our Attach ended.
  enum class Outcome : std::uint8_t {
    answered,       // its link is awaited
    peer_attaches,  // Error_In_Progress: the peer completes its own Attach to us; awaited too
    failed,
  };

  // Our Attach to `peer` went out as transaction `id`.
  void sent(const wire::NodeId& peer, std::uint64_t id, Why why);
  void ended(const wire::NodeId& peer, std::uint64_t id, Outcome outcome, TimePoint now);
  // An Attach to a key (its answerer unknown before) was answered by `peer`.
  void answered(const wire::NodeId& peer, Why why, TimePoint now);

  enum class Verdict : std::uint8_t {
    answer,       // answer it (and set up the link)
    in_progress,  // answer Error_In_Progress
    overloaded,   // too many links awaited: refuse
  };
  struct Incoming {
    Verdict verdict = Verdict::answer;
    std::optional<std::uint64_t> cancel;  // our own Attach to drop (lost the tie-breaker)
  };
  // An Attach request from `from`; `send_update` as in its body.
  Incoming on_request(const wire::NodeId& from, bool send_update, TimePoint now);

  // Dials: the Attach answerer opens the link (No-ICE, section 6.5.1.11).
  bool may_dial(const wire::NodeId& peer, const std::string& address) const;
  void dialling(const wire::NodeId& peer, const std::string& address);
  void dial_ended(const wire::NodeId& peer, const std::string& address);

  // The link to `peer` is up: what was awaited of it.
  Why link_up(const wire::NodeId& peer);
  // The link to `peer` could not be set up, and this end knows it (ICE checks or DTLS that
  // failed on the requester's side): true when Chord had asked for it and must hear of it.
  bool link_failed(const wire::NodeId& peer);
  // Links awaited past their deadline (Chord hears these as failed Attaches).
  std::vector<wire::NodeId> expire(TimePoint now);
  std::optional<TimePoint> next_deadline() const;

  bool attaching(const wire::NodeId& peer) const { return outgoing_.contains(peer); }
  bool is_dialling(const wire::NodeId& peer) const { return dialling_.contains(peer); }
  bool awaiting(const wire::NodeId& peer) const { return awaited_.contains(peer); }
  std::size_t dials() const noexcept { return dialling_.size(); }

 private:
  struct Awaited {
    Why why;
    TimePoint deadline;
    // Our Attach got Error_In_Progress: the link comes from the peer's own Attach, which
    // must then be answered, not refused as in progress too.
    bool peer_attaches = false;
  };
  void await(const wire::NodeId& peer, Why why, TimePoint now, bool peer_attaches = false);

  wire::NodeId self_;
  Settings settings_;
  struct Outgoing {
    std::uint64_t id;
    Why why;
  };
  std::map<wire::NodeId, Outgoing> outgoing_;  // our Attaches not answered yet
  std::map<wire::NodeId, Awaited> awaited_;
  std::map<wire::NodeId, std::string> dialling_;
  std::map<std::string, std::size_t> dials_to_;
};

}  // namespace reload::node
