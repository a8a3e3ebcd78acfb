#include "node/attach_states.hpp"

#include <algorithm>

namespace reload::node {

void AttachStates::sent(const wire::NodeId& peer, std::uint64_t id, Why why) { outgoing_[peer] = {id, why}; }

void AttachStates::ended(const wire::NodeId& peer, std::uint64_t id, Outcome outcome, TimePoint now) {
  auto it = outgoing_.find(peer);
  if (it == outgoing_.end() || it->second.id != id) return;  // cancelled, or a newer Attach
  const Why why = it->second.why;
  outgoing_.erase(it);
  if (outcome != Outcome::failed) await(peer, why, now, outcome == Outcome::peer_attaches);
}

void AttachStates::answered(const wire::NodeId& peer, Why why, TimePoint now) { await(peer, why, now); }

void AttachStates::await(const wire::NodeId& peer, Why why, TimePoint now, bool peer_attaches) {
  auto& a = awaited_[peer];
  a.peer_attaches = peer_attaches;
  // Both ends may want something of the same link: keep the purpose and the Update request.
  if (why.purpose) a.why.purpose = why.purpose;
  a.why.send_update = a.why.send_update || why.send_update;
  a.deadline = now + settings_.link_timeout;
}

AttachStates::Incoming AttachStates::on_request(const wire::NodeId& from, bool send_update, TimePoint now) {
  Incoming in;
  auto ours = outgoing_.find(from);
  if (ours != outgoing_.end()) {
    // Section 6.5.1.2's tie-breaker: the smaller Node-ID gives its own Attach up.
    if (!(self_ < from)) return {Verdict::in_progress, std::nullopt};
    in.cancel = ours->second.id;
    const Why why = ours->second.why;
    outgoing_.erase(ours);
    await(from, why, now);  // the link it answers is the one we asked for
  } else if (auto a = awaited_.find(from); a != awaited_.end() && a->second.why.purpose && !a->second.peer_attaches) {
    return {Verdict::in_progress, std::nullopt};  // ours was answered; its link is on the way
  }
  if (send_update) {
    if (!awaited_.contains(from) && awaited_.size() >= settings_.max_awaited)
      return {Verdict::overloaded, in.cancel};
    await(from, Why{std::nullopt, true}, now);
  }
  return in;
}

bool AttachStates::may_dial(const wire::NodeId& peer, const std::string& address) const {
  if (dialling_.contains(peer) || dialling_.size() >= settings_.max_dials) return false;
  auto it = dials_to_.find(address);
  return it == dials_to_.end() || it->second < settings_.max_dials_per_address;
}

void AttachStates::dialling(const wire::NodeId& peer, const std::string& address) {
  dialling_.emplace(peer, address);
  ++dials_to_[address];
}

void AttachStates::dial_ended(const wire::NodeId& peer, const std::string& address) {
  if (!dialling_.erase(peer)) return;
  if (auto it = dials_to_.find(address); it != dials_to_.end() && --it->second == 0) dials_to_.erase(it);
}

AttachStates::Why AttachStates::link_up(const wire::NodeId& peer) {
  outgoing_.erase(peer);
  auto it = awaited_.find(peer);
  if (it == awaited_.end()) return {};
  const Why why = it->second.why;
  awaited_.erase(it);
  return why;
}

bool AttachStates::link_failed(const wire::NodeId& peer) {
  auto it = awaited_.find(peer);
  if (it == awaited_.end()) return false;
  const bool chord_asked = it->second.why.purpose.has_value();
  awaited_.erase(it);
  return chord_asked;
}

std::vector<wire::NodeId> AttachStates::expire(TimePoint now) {
  std::vector<wire::NodeId> out;
  for (auto it = awaited_.begin(); it != awaited_.end();) {
    if (it->second.deadline > now) {
      ++it;
      continue;
    }
    if (it->second.why.purpose) out.push_back(it->first);  // only what Chord asked for
    it = awaited_.erase(it);
  }
  return out;
}

std::optional<AttachStates::TimePoint> AttachStates::next_deadline() const {
  std::optional<TimePoint> next;
  for (const auto& [peer, a] : awaited_) next = next ? std::min(*next, a.deadline) : a.deadline;
  return next;
}

}  // namespace reload::node
