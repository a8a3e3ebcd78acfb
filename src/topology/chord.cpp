#include "topology/chord.hpp"

#include <algorithm>

#include "wire/ring.hpp"

namespace reload::topology {

namespace ring = wire::ring;

namespace {
// Peers named by others but not yet attached to: bounded, as they come from the network.
constexpr std::size_t max_learned = 256;
}  // namespace

Chord::Chord(NodeId self, ChordSettings settings, std::uint64_t seed)
    : settings_(settings),
      neighbors_(self, settings.successors, settings.predecessors),
      fingers_(self),
      random_(seed) {}

std::chrono::milliseconds Chord::jitter(std::chrono::milliseconds interval) {
  // Section 10.7.4.1: offset periodic Updates so that peers do not all send at once.
  std::uniform_int_distribution<std::int64_t> d(interval.count() * 3 / 4, interval.count() * 5 / 4);
  return std::chrono::milliseconds(d(random_));
}

void Chord::create(TimePoint now) {
  state_ = State::joined;
  admitted_ = true;
  started_ = now;
  next_update_ = now + jitter(settings_.update_interval);
  next_finger_ = now + settings_.ping_interval;
  effects_.emplace_back(effect::Joined{});
}

void Chord::join(TimePoint now) {
  state_ = State::joining;
  started_ = now;
  effects_.emplace_back(effect::AttachToKey{ring::successor_point(self()), AttachPurpose::join, true, std::nullopt});
}

std::optional<NodeId> Chord::first_predecessor() const {
  if (neighbors_.predecessors().empty()) return std::nullopt;
  return neighbors_.predecessors().front();
}

void Chord::admit(const NodeId& peer) {
  if (peer == self() || !links_.contains(peer)) return;
  members_.insert(peer);
  learned_from_.erase(peer);
  neighbors_.add(peer);
  fingers_.offer(peer);
}

void Chord::learn(const NodeId& peer, const NodeId& from) {
  if (peer == self() || peer.size() != self().size() || quiet_.contains(peer)) return;
  if (links_.contains(peer)) {
    admit(peer);  // somebody in the ring vouches for it
    return;
  }
  if (pending_.contains(peer)) return;
  if (neighbors_.wants(peer) && may_attach()) {
    pending_.insert(peer);
    effects_.emplace_back(effect::AttachToPeer{peer, from});
  } else if (learned_from_.size() < max_learned) {
    learned_from_.emplace(peer, from);  // a spare, should a neighbor fail
  }
}

bool Chord::may_attach() const noexcept {
  // Twice the neighbor table: enough to fill it while half the Attaches fail, and no more,
  // however many peers a signed Update or Leave names (the rest wait as spares).
  return pending_.size() < 2 * (settings_.successors + settings_.predecessors);
}

void Chord::refill(TimePoint) {
  // Linked members that the table had no room for come back first, then spares heard of.
  for (const auto& m : members_) neighbors_.add(m), fingers_.offer(m);
  for (auto it = learned_from_.begin(); it != learned_from_.end();) {
    const auto [peer, from] = *it;
    if (neighbors_.wants(peer) && !pending_.contains(peer) && may_attach()) {
      pending_.insert(peer);
      std::optional<NodeId> via;
      if (links_.contains(from)) via = from;
      effects_.emplace_back(effect::AttachToPeer{peer, via});
      it = learned_from_.erase(it);
    } else {
      ++it;
    }
  }
}

void Chord::neighbors_changed(const NeighborTable& before, bool force_updates, TimePoint now) {
  bool succ_changed = before.successors() != neighbors_.successors();
  bool pred_changed = before.predecessors() != neighbors_.predecessors();
  std::optional<NodeId> old_first;
  if (!before.predecessors().empty()) old_first = before.predecessors().front();
  if (old_first != first_predecessor())
    effects_.emplace_back(effect::ResponsibilityChanged{old_first, first_predecessor()});
  else if (pred_changed)
    effects_.emplace_back(effect::PredecessorsChanged{});
  if (succ_changed) effects_.emplace_back(effect::SuccessorsChanged{});
  if (state_ != State::joined) return;
  if (force_updates || (settings_.reactive && (succ_changed || pred_changed)))
    update_all_neighbors(now);
}

void Chord::on_attached(const NodeId& peer, std::optional<AttachPurpose> purpose, TimePoint now) {
  if (peer == self()) return;
  links_.insert(peer);
  pending_.erase(peer);
  quiet_.erase(peer);
  if (!purpose) return;  // it attached to us: not a ring member until it joins or updates
  NeighborTable before = neighbors_;
  admit(peer);
  refill(now);  // a spare may have waited for this Attach's slot
  if (*purpose == AttachPurpose::join && (state_ == State::joining || (state_ == State::joined && !admitted_))) {
    admitting_peer_ = peer;
    effects_.emplace_back(effect::SendJoin{peer});
  }
  neighbors_changed(before, false, now);
}

void Chord::on_attach_failed(const NodeId& peer, TimePoint now) {
  pending_.erase(peer);
  learned_from_.erase(peer);
  if (state_ == State::joined) {
    NeighborTable before = neighbors_;
    refill(now);
    neighbors_changed(before, false, now);
  }
}

void Chord::on_detached(const NodeId& peer, TimePoint now) {
  links_.erase(peer);
  members_.erase(peer);
  quiet_.erase(peer);
  pending_.erase(peer);
  learned_from_.erase(peer);
  std::erase_if(learned_from_, [&](const auto& e) { return e.second == peer; });
  NeighborTable before = neighbors_;
  neighbors_.remove(peer);
  fingers_.remove(peer);
  refill(now);
  neighbors_changed(before, false, now);
}

void Chord::on_link_quiet(const NodeId& peer, TimePoint now) {
  if (!links_.contains(peer)) return;
  const bool member = members_.contains(peer);
  on_detached(peer, now);
  quiet_.emplace(peer, member);
}

void Chord::on_link_resumed(const NodeId& peer, TimePoint now) {
  auto q = quiet_.find(peer);
  if (q == quiet_.end()) return;
  const bool member = q->second;
  quiet_.erase(q);
  links_.insert(peer);
  if (!member) return;
  NeighborTable before = neighbors_;
  admit(peer);
  neighbors_changed(before, false, now);
}

void Chord::on_update(const NodeId& from, const wire::ChordUpdate& update, TimePoint now) {
  // Judged on the view before this Update teaches us anything.
  const bool misplaced =
      state_ == State::joined && admitted_ && now >= next_place_check_ && far_from_place(from, update);
  NeighborTable before = neighbors_;
  admit(from);
  for (const auto& p : update.predecessors) learn(p, from);
  for (const auto& s : update.successors) learn(s, from);
  for (const auto& f : update.fingers) learn(f, from);
  neighbors_changed(before, false, now);
  // A peer that counts us among its neighbors while we do not count it among ours holds a
  // wrong view of the ring: tell it ours (the original Chord's "notify"). Without it, peers
  // that joined at the same time through a peer that was responsible a moment before could
  // stay outside the ring for good: reload-sim found 52 such among 10,000 peers.
  if (state_ == State::joined && admitted_ && update.type != wire::ChordUpdateType::peer_ready &&
      links_.contains(from) && !neighbors_.contains(from) &&
      (std::find(update.successors.begin(), update.successors.end(), self()) != update.successors.end() ||
       std::find(update.predecessors.begin(), update.predecessors.end(), self()) != update.predecessors.end()))
    effects_.emplace_back(effect::SendUpdate{from, make_update(wire::ChordUpdateType::neighbors, now)});
  if (misplaced) {
    // Walking toward our true neighbors three peers per Update takes a round of Attaches per
    // step: reload-sim saw a peer outside the ring walk for minutes, answering for a third of
    // it meanwhile. The ring without us has a peer responsible for self - 1: our true
    // successor, whose Update names our true predecessors. An Attach to that key from `from`
    // finds it in log N hops. (Not self + 1: peers that know us route that key to us, and we
    // would send it on to the wrong successor we hold.)
    next_place_check_ = now + place_check_interval;
    effects_.emplace_back(
        effect::AttachToKey{ring::predecessor_point(self()), AttachPurpose::neighbor, true, from});
  }
  if (!admitted_ && admitting_peer_ == from &&
      std::find(update.predecessors.begin(), update.predecessors.end(), self()) != update.predecessors.end())
    take_place(now);
}

bool Chord::far_from_place(const NodeId& from, const wire::ChordUpdate& update) const {
  // `from` is one of our neighbors, yet a full list of its own neighbors lies between it and
  // us, none of them a ring member we know: our view of the ring around us is wrong by more
  // than the neighbor table. A peer that joined a moment ago between us is not enough.
  auto unknown_between = [&](const std::vector<NodeId>& list, std::size_t full, bool after_from) {
    if (list.size() < full) return false;
    return std::all_of(list.begin(), list.end(), [&](const NodeId& p) {
      return !members_.contains(p) && (after_from ? ring::in_open(p, from, self()) : ring::in_open(p, self(), from));
    });
  };
  const auto& preds = neighbors_.predecessors();
  const auto& succs = neighbors_.successors();
  return (std::find(preds.begin(), preds.end(), from) != preds.end() &&
          unknown_between(update.successors, settings_.successors, true)) ||
         (std::find(succs.begin(), succs.end(), from) != succs.end() &&
          unknown_between(update.predecessors, settings_.predecessors, false));
}

void Chord::on_join_request(const NodeId& joiner, TimePoint now) {
  if (!links_.contains(joiner) || state_ != State::joined) return;
  NeighborTable before = neighbors_;
  admit(joiner);
  // Steps 7 and 8 of section 10.5: the joiner and every neighbor learn the new neighbor set
  // whether or not this overlay is reactive.
  neighbors_changed(before, true, now);
  if (!neighbors_.contains(joiner))
    effects_.emplace_back(effect::SendUpdate{joiner, make_update(wire::ChordUpdateType::neighbors, now)});
}

void Chord::send_update_to(const NodeId& peer, TimePoint now) {
  effects_.emplace_back(effect::SendUpdate{peer, make_update(wire::ChordUpdateType::full, now)});
}

void Chord::on_join_answer(const NodeId& admitting_peer, TimePoint now) {
  if (state_ == State::joined && !admitted_) {
    admitting_peer_ = admitting_peer;  // the second Join's answer
    return;
  }
  if (state_ != State::joining) return;
  state_ = State::joined;
  next_update_ = now + jitter(settings_.update_interval);
  next_finger_ = now + settings_.ping_interval;
  admitting_peer_ = admitting_peer;
  admitted_by_ = now + admission_wait;
  effects_.emplace_back(effect::Joined{});
  update_all_neighbors(now);  // step 9, unless we wait for step 7
  search_fingers(true);
}

void Chord::take_place(TimePoint now) {
  admitted_ = true;
  if (state_ == State::joined) update_all_neighbors(now);  // else step 9 follows the JoinAns
}

void Chord::on_leave(const NodeId& from, const wire::ChordLeaveData& data, TimePoint now) {
  // Section 10.9: as if `from` had failed, and its lists name our next neighbors. They are
  // reached by conventional routing: `from` is going away.
  links_.erase(from);
  members_.erase(from);
  quiet_.erase(from);
  std::erase_if(learned_from_, [&](const auto& e) { return e.second == from; });
  NeighborTable before = neighbors_;
  neighbors_.remove(from);
  fingers_.remove(from);
  for (const auto* list : {&data.successors, &data.predecessors})
    for (const auto& p : *list)
      if (p != self() && p.size() == self().size() && !pending_.contains(p) && !quiet_.contains(p)) {
        if (links_.contains(p)) {
          admit(p);
        } else if (neighbors_.wants(p) && may_attach()) {
          pending_.insert(p);
          effects_.emplace_back(effect::AttachToPeer{p, std::nullopt});
        } else if (learned_from_.size() < max_learned) {
          learned_from_.emplace(p, p);  // a spare, reached by routing when its turn comes
        }
      }
  refill(now);
  neighbors_changed(before, false, now);
}

void Chord::leave(TimePoint) {
  if (state_ != State::joined) {
    state_ = State::left;
    return;
  }
  const auto& preds = neighbors_.predecessors();
  const auto& succs = neighbors_.successors();
  // A predecessor gets our successors (from_succ), a successor our predecessors (from_pred).
  for (const auto& p : preds)
    effects_.emplace_back(effect::SendLeave{p, {wire::ChordLeaveType::from_succ, succs, {}}});
  for (const auto& s : succs)
    if (std::find(preds.begin(), preds.end(), s) == preds.end())
      effects_.emplace_back(effect::SendLeave{s, {wire::ChordLeaveType::from_pred, {}, preds}});
  state_ = State::left;
}

void Chord::update_all_neighbors(TimePoint now) {
  if (!admitted_) return;  // nobody hears of us before the admitting peer's Update
  auto update = make_update(wire::ChordUpdateType::neighbors, now);
  for (const auto& n : neighbors_.members()) effects_.emplace_back(effect::SendUpdate{n, update});
}

void Chord::search_fingers(bool all_invalid) {
  if (neighbors_.successors().empty()) return;
  const NodeId& last = neighbors_.successors().back();
  std::bernoulli_distribution coin(0.5);
  for (unsigned i = 1; i <= fingers_.size(); ++i) {
    NodeId target = fingers_.target(i);
    // Entries from here on lie within the successor list's reach: nothing to search.
    if (ring::in_half_open(target, self(), last)) break;
    if (fingers_.at(i)) continue;
    if (all_invalid) {
      effects_.emplace_back(effect::AttachToKey{target, AttachPurpose::finger, false, std::nullopt});
    } else if (coin(random_)) {
      // Section 10.7.4.2, alternative 1: earlier entries first, each with probability 1/2,
      // at a random point of the range.
      effects_.emplace_back(effect::AttachToKey{fingers_.random_point(i, random_()), AttachPurpose::finger, false, std::nullopt});
    }
  }
}

TimePoint Chord::periodic(TimePoint now) {
  if (state_ != State::joined) return now + settings_.update_interval;
  if (!admitted_ && now >= admitted_by_) {
    if (admission_retries_ == 0) {
      // Ignored (the admitting peer lost our link, or it left): Join again through whoever
      // is responsible for self + 1 now, with a fresh view of the ring.
      ++admission_retries_;
      admitted_by_ = now + admission_wait;
      effects_.emplace_back(effect::AttachToKey{ring::successor_point(self()), AttachPurpose::join, true, std::nullopt});
    } else {
      take_place(now);  // an admitting peer that never labels us: take our place anyway
    }
  }
  if (now >= next_update_) {
    update_all_neighbors(now);
    next_update_ = now + jitter(settings_.update_interval);
  }
  if (now >= next_finger_) {
    search_fingers(false);
    next_finger_ = now + settings_.ping_interval;
  }
  const TimePoint next = std::min(next_update_, next_finger_);
  return admitted_ ? next : std::min(next, admitted_by_);
}

bool Chord::responsible_for(const NodeId& key) const {
  // Responsible once admitted (see on_join_answer), even before the JoinAns arrives: an
  // admitting peer may route our range to us at once, and forwarding those messages back
  // would loop them. Before, the admitting peer holds our range: a peer that knows only it
  // would otherwise take nearly the whole ring for its own.
  return (state_ == State::joining || state_ == State::joined) && admitted_ && neighbors_.responsible_for(key);
}

RouteDecision Chord::route(const NodeId& key) const {
  if (responsible_for(key)) return {true, std::nullopt};
  if (links_.contains(key)) return {false, key};
  // Every linked ring member can act for the finger entry whose range holds it (section
  // 10.7.4.2 allows several per entry): the links others opened to us because we are their
  // finger shorten our routes for free. Neighbors and fingers are members too. Clients and
  // joining peers are not. members_ is ordered, so the closest member before the key is a
  // lookup, not a walk: a peer with thousands of links forwards as fast as one with ten.
  if (!members_.empty()) {
    auto at = members_.lower_bound(key);  // the first member at or after the key
    const NodeId& before = at == members_.begin() ? *members_.rbegin() : *std::prev(at);
    if (ring::in_open(before, self(), key)) return {false, before};  // the largest in (self, key)
    return {false, at == members_.end() ? *members_.begin() : *at};  // none there: the first after key
  }
  // Not in the ring yet: everything goes through whatever link there is (the bootstrap).
  if (!links_.empty()) return {false, *links_.begin()};
  return {};
}

wire::ChordUpdate Chord::make_update(wire::ChordUpdateType type, TimePoint now) const {
  wire::ChordUpdate u;
  u.uptime = static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(now - started_).count());
  u.type = type;
  if (type == wire::ChordUpdateType::peer_ready) return u;
  u.predecessors = neighbors_.predecessors();
  u.successors = neighbors_.successors();
  if (type == wire::ChordUpdateType::full) u.fingers = fingers_.peers();
  return u;
}

}  // namespace reload::topology
