#include "overlay.hpp"

#include <algorithm>
#include <stdexcept>

#include <ns3/simulator.h>

#include "sim_time.hpp"

namespace reload::sim {

namespace {
constexpr std::int64_t channel_streams = 1;  // the channel's ns-3 random streams: 1 and 2

void add_to(NodeCounters& sum, const NodeCounters& c) {
  sum.ttl_exhausted += c.ttl_exhausted;
  sum.no_route += c.no_route;
  sum.dropped += c.dropped;
  sum.undecodable += c.undecodable;
  sum.timeouts += c.timeouts;
  sum.storage_refused += c.storage_refused;
  sum.links_refused += c.links_refused;
}
}  // namespace

Overlay::Overlay(const OverlaySettings& settings, RunStats& stats, StorageWorld* storage)
    : settings_(settings), stats_(stats), storage_(storage), channel_(settings.channel, channel_streams) {}

Overlay::~Overlay() = default;

std::uint32_t Overlay::add(const NodeId& id) {
  if (index_.contains(id)) throw std::logic_error("a Node-ID twice in the overlay");
  const std::uint32_t i = channel_.add_endpoint();
  // Each node's own random stream (transaction ids, Chord's jitter) follows from the seed.
  nodes_.push_back(std::make_unique<SimNode>(id, settings_.node, *this, settings_.seed * 1000003 + i, storage_));
  index_.emplace(id, i);
  stats_.population(seconds_of(now()), index_.size());
  stats_.joined();
  return i;
}

SimNode* Overlay::node(const NodeId& id) {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : nodes_[it->second].get();
}

const SimNode* Overlay::node(const NodeId& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : nodes_[it->second].get();
}

ns3::Time Overlay::round_trip(std::uint32_t a, std::uint32_t b) const {
  return channel_.latency(a, b) + channel_.latency(b, a);
}

void Overlay::start_first(const NodeId& id) {
  const auto i = add(id);
  nodes_[i]->create();
}

void Overlay::start_joining(const NodeId& id, const NodeId& bootstrap) {
  link_to_bootstrap(add(id), index_.at(bootstrap));
}

void Overlay::link_to_bootstrap(std::uint32_t i, std::uint32_t b) {
  ns3::Simulator::Schedule(round_trip(i, b) * settings_.handshake_round_trips, [this, i, b] {
    SimNode* joiner = at(i);
    if (!joiner) return;
    SimNode* boot = at(b);
    if (!boot) {
      // The bootstrap went away meanwhile: as reload-node with several bootstrap peers,
      // try another (here the owner of the joiner's own Node-ID).
      const NodeId other = owner_of(joiner->id());
      if (!other.empty() && other != joiner->id()) link_to_bootstrap(i, index_.at(other));
      return;
    }
    boot->on_link_up(joiner->id());
    joiner->on_link_up(boot->id());
    joiner->join();
  });
}

void Overlay::crash(const NodeId& id) {
  stats_.crashed();
  remove(id, to_ns3(settings_.failure_detection));
}

void Overlay::leave(const NodeId& id) {
  SimNode* n = node(id);
  if (!n) return;
  stats_.left();
  n->leave();
  const auto i = index_.at(id);
  ns3::Simulator::Schedule(to_ns3(settings_.leave_linger), [this, i] {
    if (SimNode* gone = at(i)) remove(gone->id(), std::nullopt);
  });
}

void Overlay::remove(NodeId id, std::optional<ns3::Time> notice) {
  auto it = index_.find(id);
  if (it == index_.end()) return;
  const std::uint32_t i = it->second;
  const std::vector<NodeId> peers = nodes_[i]->links();
  add_to(departed_, nodes_[i]->counters());
  nodes_[i].reset();
  index_.erase(it);
  stats_.population(seconds_of(now()), index_.size());
  for (const auto& peer : peers) {
    auto p = index_.find(peer);
    if (p == index_.end()) continue;
    const std::uint32_t j = p->second;
    // No notice given: the link was closed, which the peer sees one way-latency later.
    const ns3::Time delay = notice ? *notice : channel_.latency(i, j);
    ns3::Simulator::Schedule(delay, [this, j, id] {
      if (SimNode* n = at(j)) n->on_link_down(id);
    });
  }
}

NodeId Overlay::owner_of(const NodeId& key) const {
  if (index_.empty()) return {};
  auto it = index_.lower_bound(key);
  for (std::size_t seen = 0; seen < index_.size(); ++seen, ++it) {
    if (it == index_.end()) it = index_.begin();
    if (nodes_[it->second]->chord().admitted()) return it->first;
  }
  return {};
}

std::size_t Overlay::wrong_successors() const {
  std::vector<const SimNode*> ring;
  for (const auto& [id, i] : index_)
    if (nodes_[i]->chord().admitted()) ring.push_back(nodes_[i].get());
  std::size_t wrong = 0;
  for (std::size_t k = 0; ring.size() > 1 && k < ring.size(); ++k) {
    const auto& s = ring[k]->chord().neighbors().successors();
    if (s.empty() || s.front() != ring[(k + 1) % ring.size()]->id()) ++wrong;
  }
  return wrong;
}

std::pair<double, std::size_t> Overlay::links_per_node() const {
  std::size_t total = 0, most = 0;
  for (const auto& [id, i] : index_) {
    total += nodes_[i]->links().size();
    most = std::max(most, nodes_[i]->links().size());
  }
  return {index_.empty() ? 0.0 : static_cast<double>(total) / static_cast<double>(index_.size()), most};
}

NodeCounters Overlay::counters() const {
  NodeCounters sum = departed_;
  for (const auto& [id, i] : index_) add_to(sum, nodes_[i]->counters());
  return sum;
}

std::vector<std::vector<std::uint32_t>> Overlay::holders() const {
  std::vector<std::vector<std::uint32_t>> out(storage_ ? storage_->values().size() : 0);
  if (!storage_) return out;
  const TimePoint t = now();
  for (const auto& [id, i] : index_) {
    const auto* service = nodes_[i]->storage();
    if (!service) continue;
    std::optional<wire::ResourceId> last;
    for (const auto& set : service->store().stored_sets(t)) {
      if (last == set.resource || set.values == 0) continue;
      last = set.resource;
      const auto v = storage_->index_of(set.resource);
      if (v < out.size()) out[v].push_back(i);
    }
  }
  return out;
}

std::vector<NodeId> Overlay::owner_and_successors(const NodeId& key, std::size_t count) const {
  std::vector<NodeId> out;
  if (index_.empty()) return out;
  auto it = index_.lower_bound(key);
  for (std::size_t seen = 0; seen < index_.size() && out.size() <= count; ++seen, ++it) {
    if (it == index_.end()) it = index_.begin();
    if (nodes_[it->second]->chord().admitted()) out.push_back(it->first);
  }
  return out;
}

void Overlay::send(const NodeId& from, const NodeId& to, wire::Buffer bytes) {
  auto f = index_.find(from);
  if (f == index_.end()) return;
  const std::uint32_t i = f->second;
  if (from == to) {
    ns3::Simulator::ScheduleNow([this, i, bytes = std::move(bytes)] {
      if (SimNode* n = at(i)) n->receive(n->id(), bytes);
    });
    return;
  }
  stats_.sent(bytes);
  auto t = index_.find(to);
  if (t == index_.end()) {
    stats_.lost_to_departed();
    return;
  }
  const std::uint32_t j = t->second;
  auto delay = channel_.transmit(i, j, bytes.size());
  if (!delay) {
    stats_.lost_in_channel();
    return;
  }
  ns3::Simulator::Schedule(*delay, [this, j, from, bytes = std::move(bytes)] {
    if (SimNode* n = at(j)) n->receive(from, bytes);
    else stats_.lost_to_departed();
  });
}

void Overlay::connect(const NodeId& dialler, const NodeId& answerer) {
  auto d = index_.find(dialler);
  if (d == index_.end()) return;
  const std::uint32_t i = d->second;
  auto a = index_.find(answerer);
  if (a == index_.end()) {
    ns3::Simulator::ScheduleNow([this, i, answerer] {
      if (SimNode* n = at(i)) n->on_link_failed(answerer);
    });
    return;
  }
  const std::uint32_t j = a->second;
  const std::pair<std::uint32_t, std::uint32_t> pair{std::min(i, j), std::max(i, j)};
  if (!connecting_.insert(pair).second) return;  // both dialled: one link
  ns3::Simulator::Schedule(round_trip(i, j) * settings_.handshake_round_trips, [this, i, j, pair, answerer] {
    connecting_.erase(pair);
    SimNode* a = at(i);
    SimNode* b = at(j);
    if (!a) return;
    if (!b) {
      a->on_link_failed(answerer);
      return;
    }
    const NodeId a_id = a->id(), b_id = b->id();
    b->on_link_up(a_id);
    if (SimNode* still = at(i)) still->on_link_up(b_id);
  });
}

}  // namespace reload::sim
