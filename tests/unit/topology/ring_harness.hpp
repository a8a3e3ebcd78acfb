// An in-memory overlay of Chord cores for tests: links are instant and reliable, every
// effect is carried out at once, and time only moves when the test says so. It plays the
// part the node shell plays in reload-node, with no network.
#pragma once

#include <cmath>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <stdexcept>
#include <vector>

#include "topology/chord.hpp"
#include "wire/ring.hpp"

namespace reload::topology::test {

class RingHarness {
 public:
  explicit RingHarness(ChordSettings settings, std::uint64_t seed = 1)
      : settings_(settings), seed_(seed) {}

  TimePoint now{};
  std::size_t messages = 0;  // effects carried out: a measure of protocol cost

  Chord& node(const NodeId& id) { return *nodes_.at(id); }
  bool alive(const NodeId& id) const { return nodes_.contains(id); }
  std::vector<NodeId> ids() const {
    std::vector<NodeId> out;
    for (const auto& [id, n] : nodes_) out.push_back(id);
    return out;  // ascending: the ring's order
  }

  void create(const NodeId& id) {
    add(id).create(now);
    drain();
  }
  // Joins `id` through a link to `bootstrap`, as reload-node does.
  void join(const NodeId& id, const NodeId& bootstrap) {
    Chord& n = add(id);
    link(id, bootstrap, std::nullopt);
    n.join(now);
    drain();
  }
  void leave(const NodeId& id) {
    node(id).leave(now);
    drain();
    kill(id);
  }
  // The node disappears: every link to it fails.
  void kill(const NodeId& id) {
    nodes_.erase(id);
    for (auto& [other, n] : nodes_)
      if (n->links().contains(id)) n->on_detached(id, now);
    drain();
  }
  void advance(std::chrono::milliseconds d) {
    now += d;
    for (auto& [id, n] : nodes_) n->periodic(now);
    drain();
  }

  // Follows route() from `from` until a node says the key is its own; counts hops.
  NodeId route(const NodeId& from, const NodeId& key, int* hops = nullptr) {
    NodeId at = from;
    int n = 0;
    for (;;) {
      auto d = node(at).route(key);
      if (d.deliver_here) break;
      if (!d.next_hop || !alive(*d.next_hop) || ++n > 64) throw std::runtime_error("routing failed");
      at = *d.next_hop;
    }
    if (hops) *hops = n;
    return at;
  }

  // The node that should be responsible for `key`: the first id at or after it.
  NodeId expected_owner(const NodeId& key) const {
    auto it = nodes_.lower_bound(key);
    return it == nodes_.end() ? nodes_.begin()->first : it->first;
  }

 private:
  Chord& add(const NodeId& id) {
    auto [it, fresh] = nodes_.emplace(id, std::make_unique<Chord>(id, settings_, seed_ + nodes_.size()));
    if (!fresh) throw std::logic_error("duplicate node");
    return *it->second;
  }
  void link(const NodeId& from, const NodeId& to, std::optional<AttachPurpose> purpose) {
    node(to).on_attached(from, std::nullopt, now);
    node(from).on_attached(to, purpose, now);
  }

  void drain() {
    for (bool more = true; more;) {
      more = false;
      for (const auto& id : ids()) {
        if (!alive(id)) continue;
        auto effects = node(id).take_effects();
        for (auto& e : effects) {
          more = true;
          ++messages;
          carry_out(id, e);
          if (!alive(id)) break;
        }
      }
    }
  }

  void carry_out(const NodeId& from, Effect& e) {
    if (auto* a = std::get_if<effect::AttachToPeer>(&e)) {
      if (alive(a->peer)) link(from, a->peer, AttachPurpose::neighbor);
      else node(from).on_attach_failed(a->peer, now);
    } else if (auto* k = std::get_if<effect::AttachToKey>(&e)) {
      NodeId owner = route(from, k->key);
      if (owner == from) return;  // the key is our own: nobody to attach to
      link(from, owner, k->purpose);
      if (k->send_update)
        node(from).on_update(owner, node(owner).make_update(wire::ChordUpdateType::full, now), now);
    } else if (auto* j = std::get_if<effect::SendJoin>(&e)) {
      if (!alive(j->to)) return;
      node(j->to).on_join_request(from, now);
      node(from).on_join_answer(j->to, now);
    } else if (auto* u = std::get_if<effect::SendUpdate>(&e)) {
      if (alive(u->to)) node(u->to).on_update(from, u->update, now);
    } else if (auto* l = std::get_if<effect::SendLeave>(&e)) {
      if (alive(l->to)) node(l->to).on_leave(from, l->data, now);
    }
  }

  ChordSettings settings_;
  std::uint64_t seed_;
  std::map<NodeId, std::unique_ptr<Chord>> nodes_;
};

// `count` distinct random 16-byte Node-IDs, the same for the same seed.
inline std::vector<NodeId> random_ids(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::set<NodeId> ids;
  while (ids.size() < count) {
    std::array<std::uint8_t, 16> b;
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    ids.insert(NodeId(wire::Bytes(b.data(), b.size())));
  }
  std::vector<NodeId> out(ids.begin(), ids.end());
  std::shuffle(out.begin(), out.end(), rng);  // join order is not ring order
  return out;
}

}  // namespace reload::topology::test
