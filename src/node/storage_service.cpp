#include "node/storage_service.hpp"

#include <algorithm>
#include <memory>

#include "wire/body.hpp"
#include "wire/codec.hpp"
#include "wire/ring.hpp"

namespace reload::node {

namespace {

constexpr std::size_t replica_count = 2;  // section 10.4: the successor and its successor

// What a hand-off message keeps of max-message-size for everything but its StoreReq body and
// the storers' certificates: the forwarding header with its lists, the sender's own
// certificate and the signature (an RSA-2048 certificate and signature take about 1,300
// bytes; ECDSA P-256 about 600).
constexpr std::size_t hand_off_reserve = 2048;

std::size_t hand_off_budget(const config::Configuration& c) {
  return c.max_message_size > 2 * hand_off_reserve ? c.max_message_size - hand_off_reserve : c.max_message_size / 2;
}

bool in_neighbor_table(const topology::NeighborTable& n, const wire::NodeId& peer) {
  return std::find(n.successors().begin(), n.successors().end(), peer) != n.successors().end() ||
         std::find(n.predecessors().begin(), n.predecessors().end(), peer) != n.predecessors().end();
}

std::vector<wire::NodeId> replica_targets(const topology::NeighborTable& n) {
  std::vector<wire::NodeId> out;
  for (const auto& s : n.successors()) {
    if (out.size() == replica_count) break;
    if (s != n.self()) out.push_back(s);
  }
  return out;
}

// Which of `predecessors` (nearest first) owns `resource`: the i whose range
// (predecessors[i + 1], predecessors[i]] holds it; nothing when it lies before the farthest
// one, whose range we do not know.
std::optional<std::size_t> place_among(const std::vector<wire::NodeId>& predecessors,
                                       const wire::ResourceId& resource) {
  for (std::size_t i = 0; i + 1 < predecessors.size(); ++i)
    if (storage::RingRange{predecessors[i + 1], predecessors[i]}.contains(resource)) return i;
  return std::nullopt;
}

// The predecessor responsible for `resource` (outside our range), and its place; the
// farthest one known when the resource lies before all of them. Several peers may have
// joined in front of us since the data came here, and the hand-off must reach its owner,
// not merely our nearest predecessor: that one would keep it as a replica and nobody would
// hold it as primary.
std::pair<wire::NodeId, std::size_t> owner_among_predecessors(const topology::NeighborTable& n,
                                                              const wire::ResourceId& resource) {
  const auto& p = n.predecessors();
  const std::size_t i = place_among(p, resource).value_or(p.size() - 1);
  return {p[i], i};
}

}  // namespace

storage::RingRange responsible_range(const topology::NeighborTable& neighbors) {
  if (neighbors.predecessors().empty()) return storage::RingRange::whole();
  return storage::RingRange{neighbors.predecessors().front(), neighbors.self()};
}

StorageService::StorageService(const config::Configuration& configuration, ReplicaSender& sender,
                               const topology::NeighborTable& neighbors, crypto::CertificateCache& cache)
    : configuration_(configuration),
      data_models_(configuration.data_models()),
      sender_(sender),
      neighbors_(neighbors),
      cache_(cache),
      store_(storage::StorageConfig::from(configuration)) {}

void StorageService::register_in(MethodTable& table) {
  using C = wire::MessageCode;
  for (auto code : {C::store_req, C::fetch_req, C::stat_req, C::find_req}) table.add(code, *this);
}

Reply StorageService::handle(const IncomingRequest& request) {
  const auto& m = request.message;
  const auto ctx = configuration_.codec_context(data_models_);
  auto body = wire::decode_body(m.contents.message_code, m.contents.message_body, ctx);
  if (!body) return Refusal::text(errc::invalid_message, "undecodable body");
  // What an answer may take: the request's max_response_length, else max-message-size.
  const std::size_t max_answer = m.header.max_response_length ? m.header.max_response_length
                                                              : configuration_.max_message_size;
  std::vector<crypto::Certificate> certificates;
  auto result = [&]() -> storage::Result<wire::Buffer> {
    if (const auto* store = std::get_if<wire::StoreReq>(&*body))
      return handle_store(*store, m, request.signer, request.sender, neighbors_, cache_, request.now);
    if (const auto* fetch = std::get_if<wire::FetchReq>(&*body))
      return store_.fetch(*fetch, request.now, max_answer, &certificates);
    if (const auto* stat = std::get_if<wire::StatReq>(&*body)) return store_.stat(*stat, request.now, max_answer);
    if (const auto* find = std::get_if<wire::FindReq>(&*body))
      return store_.find(*find, responsible_range(neighbors_), request.now);
    return storage::text_error(errc::invalid_message, "not a storage request");
  }();
  if (!result) {
    auto e = result.error();
    return Refusal{e.code, std::move(e.error_info), std::move(e.reason)};
  }
  return Answer{static_cast<wire::MessageCode>(m.contents.message_code + 1), std::move(*result), std::move(certificates)};
}

storage::Result<wire::Buffer> StorageService::handle_store(const wire::StoreReq& req, const wire::Message& m,
                                                           const crypto::VerifiedSigner& signer,
                                                           const wire::NodeId& sender,
                                                           const topology::NeighborTable& neighbors,
                                                           crypto::CertificateCache& cache, TimePoint now) {
  const auto range = responsible_range(neighbors);
  const bool ours = range.contains(req.resource);
  if (req.replica_number == 0 && !ours)
    return storage::text_error(errc::not_found, "this peer is not responsible for the Resource-ID");
  if (req.replica_number != 0 && !in_neighbor_table(neighbors, sender))
    return storage::text_error(errc::forbidden, "replica store from a peer that is not a neighbor");
  const auto targets = replica_targets(neighbors);
  storage::StoreContext ctx{cache, m.security.certificates, &signer, targets, now,
                            crypto::Certificate::Clock::now()};
  auto answer = store_.store(req, ctx);
  if (!answer) return answer;
  if (ours) {
    // An original store, or a hand-off to us as the new responsible peer: primary data here.
    if (req.replica_number != 0) store_.set_replica_number(range, 0);
    if (stored_.size() >= max_waiting_replication) replicate_stored(now);
    if (stored_.empty()) stored_since_ = now;
    stored_.push_back(req.resource);
  } else if (req.replica_number != 0 && !neighbors.predecessors().empty() &&
             wire::ring::in_open(sender, neighbors.self(),
                                 wire::ring::point_of(req.resource, configuration_.node_id_length))) {
    // A hand-off from a peer after us for a resource before our range: its view of the ring
    // is behind ours (peers joined in front of us that it does not know yet), and the data
    // belongs to one of our predecessors. Kept as a replica, it would be primary nowhere
    // (the sender demotes its copy once we answer): it is ours until its owner has it.
    store_.set_replica_number(req.resource, 0);
    hand_off(req.resource, owner_among_predecessors(neighbors, req.resource).first, now);
  }
  return answer;
}

void StorageService::replicate_stored(TimePoint now) {
  auto due = std::exchange(stored_, {});
  std::sort(due.begin(), due.end());
  due.erase(std::unique(due.begin(), due.end()), due.end());
  const auto range = responsible_range(neighbors_);
  for (const auto& resource : due)
    if (range.contains(resource)) replicate(resource, neighbors_, now);
}

void StorageService::replicate(const wire::ResourceId& resource, const topology::NeighborTable& neighbors,
                               TimePoint now) {
  const auto targets = replica_targets(neighbors);
  for (std::size_t i = 0; i < targets.size(); ++i)
    for (auto& h : store_.hand_off(resource, static_cast<std::uint8_t>(i + 1), now, hand_off_budget(configuration_)))
      sender_.send_store({targets[i]}, std::move(h.store_req), std::move(h.certificates),
                         [this, resource, to = targets[i]](ReplicaSender::Outcome outcome, TimePoint at) {
                           if (outcome == ReplicaSender::Outcome::not_held) retry_later(resource, at);
                           if (outcome == ReplicaSender::Outcome::newer_there) resync(resource, to);
                         });
}

bool StorageService::hand_off(const wire::ResourceId& resource, const wire::NodeId& to, TimePoint now,
                              std::function<void()> then) {
  if (handing_off_.contains(resource)) return false;  // its answers are still coming
  auto parts = store_.hand_off(resource, 1, now, hand_off_budget(configuration_));
  if (parts.empty()) return false;
  handing_off_.insert(resource);
  struct Answers {
    std::size_t waiting;
    bool all_held = true;
    bool newer_there = false;
  };
  auto answers = std::make_shared<Answers>(Answers{parts.size()});
  for (auto& h : parts)
    sender_.send_store({to}, std::move(h.store_req), std::move(h.certificates),
                       [this, resource, answers, to, then](ReplicaSender::Outcome outcome, TimePoint at) {
                         answers->all_held = answers->all_held && outcome != ReplicaSender::Outcome::not_held;
                         answers->newer_there = answers->newer_there || outcome == ReplicaSender::Outcome::newer_there;
                         if (--answers->waiting) return;
                         handing_off_.erase(resource);
                         // The ring moved while the answers came (another peer joined in
                         // front): the resource's owner is another peer now; it gets it too.
                         const bool ours = responsible_range(neighbors_).contains(resource);
                         std::optional<wire::NodeId> new_owner;
                         if (!ours) new_owner = owner_among_predecessors(neighbors_, resource).first;
                         if (new_owner == to) new_owner.reset();
                         // Only now is ours a replica: the new owner holds every part. Still
                         // in our range, the owner is a joiner not yet admitted, which is to
                         // be our first predecessor. Beyond the owner's replica set (the data
                         // passed through us on its way back to an owner our predecessors
                         // precede), we keep nothing.
                         if (answers->all_held) {
                           const std::size_t place = ours ? 0 : owner_among_predecessors(neighbors_, resource).second;
                           if (place >= replica_count && !new_owner) {
                             store_.drop(resource);
                           } else {
                             store_.set_replica_number(resource, static_cast<std::uint8_t>(std::min<std::size_t>(place + 1, 255)));
                           }
                         } else {
                           retry_later(resource, at);
                         }
                         if (answers->newer_there) resync(resource, to);
                         if (new_owner) hand_off(resource, *new_owner, at);
                         if (then) then();
                       });
  return true;
}

bool StorageService::hand_over_to_joiner(const wire::NodeId& joiner, TimePoint now, std::function<void()> done) {
  const auto& self = neighbors_.self();
  const auto& preds = neighbors_.predecessors();
  // Alone, we hold the whole ring and the joiner takes (self, joiner]; else its range is
  // ours only when it lies between our first predecessor and us.
  if (joiner == self || (!preds.empty() && !wire::ring::in_open(joiner, preds.front(), self))) return false;
  const storage::RingRange theirs{preds.empty() ? self : preds.front(), joiner};
  auto waiting = std::make_shared<std::size_t>(0);
  auto finished = [waiting, done = std::move(done)] {
    if (--*waiting == 0) done();
  };
  std::optional<wire::ResourceId> last;
  for (const auto& set : store_.stored_sets(now)) {
    if (last == set.resource || set.replica_number != 0 || !theirs.contains(set.resource)) continue;
    last = set.resource;
    if (hand_off(set.resource, joiner, now, finished)) ++*waiting;
  }
  return *waiting > 0;
}

void StorageService::resync(const wire::ResourceId& resource, const wire::NodeId& peer) {
  if (resyncing_.contains(resource)) return;
  auto request = store_.fetch_everything(resource);
  if (!request) return;  // expired meanwhile: nothing of ours to replace
  auto body = wire::encode_to_buffer(*request);
  if (!body) return;
  resyncing_.insert(resource);
  sender_.send_fetch({peer}, std::move(*body), [this, resource](const wire::Message* answer, TimePoint at) {
    resyncing_.erase(resource);
    if (answer) adopt(resource, *answer, at);
  });
}

void StorageService::adopt(const wire::ResourceId& resource, const wire::Message& answer, TimePoint now) {
  const auto ctx = configuration_.codec_context(data_models_);
  auto fetched = wire::decode_exact<wire::FetchAns>(answer.contents.message_body, ctx);
  if (!fetched) return;
  const auto targets = replica_targets(neighbors_);
  storage::StoreContext store_ctx{cache_, answer.security.certificates, nullptr, targets, now,
                                  crypto::Certificate::Clock::now()};
  auto taken = store_.adopt_newer(resource, *fetched, store_ctx);
  // Newer data in our own range goes on to our replicas, which may be as stale as we were.
  if (taken && *taken > 0 && responsible_range(neighbors_).contains(resource)) replicate(resource, neighbors_, now);
}

void StorageService::retry_later(const wire::ResourceId& resource, TimePoint now) {
  retry_at_.try_emplace(resource, now + retry_interval);
}

std::optional<StorageService::TimePoint> StorageService::periodic(TimePoint now) {
  std::vector<wire::ResourceId> due;
  std::optional<TimePoint> next;
  if (replication_due()) {
    if (now >= stored_since_ + replication_delay) replicate_stored(now);
    else next = stored_since_ + replication_delay;
  }
  for (auto it = retry_at_.begin(); it != retry_at_.end();) {
    if (it->second <= now) {
      due.push_back(it->first);
      it = retry_at_.erase(it);
    } else {
      next = next ? std::min(*next, it->second) : it->second;
      ++it;
    }
  }
  if (due.empty()) return next;
  const auto range = responsible_range(neighbors_);
  for (const auto& resource : due) {
    if (range.contains(resource)) {
      replicate(resource, neighbors_, now);
    } else if (store_.replica_number(resource) == 0 && !neighbors_.predecessors().empty()) {
      hand_off(resource, owner_among_predecessors(neighbors_, resource).first, now);
    }
  }
  for (const auto& [resource, at] : retry_at_) next = next ? std::min(*next, at) : at;
  return next;
}

void StorageService::on_ring_changed(const topology::NeighborTable& neighbors, TimePoint now) {
  const auto range = responsible_range(neighbors);
  const auto targets = replica_targets(neighbors);
  const bool successors_moved = targets != replica_targets_;
  replica_targets_ = targets;
  const auto& predecessors = neighbors.predecessors();
  // Predecessors gone since the last change (failed, left, or pushed out of the list by
  // joiners): only then can a predecessor's range have a new owner that holds none of it.
  const bool predecessor_gone =
      std::any_of(previous_predecessors_.begin(), previous_predecessors_.end(), [&](const wire::NodeId& p) {
        return std::find(predecessors.begin(), predecessors.end(), p) == predecessors.end();
      });
  std::optional<wire::ResourceId> last;  // a hand-off carries every Kind of a resource: once each
  for (const auto& set : store_.stored_sets(now)) {
    if (last == set.resource) continue;
    last = set.resource;
    const bool ours = range.contains(set.resource);
    if (ours && (set.replica_number != 0 || successors_moved)) {
      replicate(set.resource, neighbors, now);
    } else if (!ours && set.replica_number != 0 && predecessor_gone) {
      // Our copy is a replica of a predecessor's data, whose owner died: the range went to
      // the next peer, which holds it as replica 1 unless the failure took that one too, or
      // it joined after the data was replicated. When that new owner is our first
      // predecessor, we are the nearest holder after it: hand it ours, so that the data is
      // primary somewhere again (a farther holder leaves it to the nearer ones). The old
      // owner may be one we did not know, our list reaching that far back only now that
      // predecessors died: copies kept beyond the replica set (from before peers joined)
      // are the last ones after a mass failure. Joins never make this hand-off: a joiner
      // in front of a live owner gets the data from that owner.
      const auto before = place_among(previous_predecessors_, set.resource);
      if (place_among(predecessors, set.resource) == 0 &&
          (!before || previous_predecessors_[*before] != predecessors.front()))
        hand_off(set.resource, predecessors.front(), now);
    } else if (!ours && set.replica_number == 0 && !neighbors.predecessors().empty()) {
      // A peer joined in front of us and took this range: hand it over (as replica 1, which
      // the new owner promotes), and keep ours as a replica once it has answered
      // (hand_off). Addressed to the owner's Node-ID, as section 10.5 has the admitting
      // peer do: routed by the Resource-ID, the Store would bounce between us while the
      // joining peer does not yet see itself as responsible, until its TTL ran out.
      hand_off(set.resource, owner_among_predecessors(neighbors, set.resource).first, now);
    }
  }
  store_.set_replica_number(range, 0);
  previous_predecessors_ = predecessors;
}

}  // namespace reload::node
