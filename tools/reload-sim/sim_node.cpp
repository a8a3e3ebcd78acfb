#include "sim_node.hpp"

#include <ns3/simulator.h>

#include "message_signing.hpp"
#include "sim_time.hpp"
#include "wire/codec.hpp"
#include "wire/error_response.hpp"
#include "wire/fetch.hpp"
#include "wire/header_view.hpp"
#include "wire/ping.hpp"

namespace reload::sim {

SimNode::SimNode(NodeId id, const NodeSettings& settings, LinkLayer& links, std::uint64_t seed,
                 StorageWorld* storage)
    : settings_(settings),
      link_layer_(links),
      chord_(id, settings.chord, seed),
      security_(id, settings.security),
      own_via_(wire::encode_destination(id)),
      random_{seed ^ 0x9e3779b97f4a7c15ULL} {
  codec_.node_id_length = settings.node_id_length;
  codec_.max_message_size = settings.max_message_size;
  policy_.overlay = settings.overlay;
  policy_.max_message_size = settings.max_message_size;
  policy_.node_id_length = settings.node_id_length;
  if (storage) {
    world_ = storage;
    storage_ = std::make_unique<node::StorageService>(storage->configuration(), static_cast<node::ReplicaSender&>(*this), chord_.neighbors(),
                                                      storage->cache());
  }
}

SimNode::~SimNode() {
  // The node is gone (crashed or left): nothing of it may run later.
  ns3::Simulator::Cancel(wake_);
  ns3::Simulator::Cancel(join_retry_);
  for (auto& [tid, p] : pending_) ns3::Simulator::Cancel(p.timer);
}

std::optional<NodeId> SimNode::next_hop(const NodeId& key) const {
  // As OverlayNode: Chord's choice, if we have a link to it.
  auto d = chord_.route(key);
  if (d.next_hop && has_link(*d.next_hop)) return d.next_hop;
  return std::nullopt;
}

void SimNode::create() {
  chord_.create(now());
  settle();
}

void SimNode::join() {
  chord_.join(now());
  settle();
}

void SimNode::leave() {
  chord_.leave(now());
  settle();
}

void SimNode::routed(const wire::ResourceId& key, wire::MessageCode code, wire::Buffer body,
                     std::function<void(const wire::Message*, LookupResult&)> judge, LookupDone done) {
  const TimePoint started = now();
  request({key}, code, std::move(body),
          [this, started, code, judge = std::move(judge), done = std::move(done)](const wire::Message* m) {
            LookupResult r;
            r.latency = now() - started;
            if (m && m->contents.message_code == static_cast<std::uint16_t>(code) + 1) {
              r.answered = true;
              r.responder = answered_by_;
              // The answer comes back along the request's path: one via entry per hop but the
              // last; an answer from ourselves crossed no link.
              r.hops = r.responder == id() ? 0 : static_cast<int>(m->header.via_list.size()) + 1;
              judge(m, r);
            }
            done(r);
          });
  settle();
}

void SimNode::lookup(const NodeId& key, LookupDone done) {
  routed(wire::ResourceId(key.bytes()), wire::MessageCode::ping_req, wire::encode_to_buffer(wire::PingReq{}).value(),
         [](const wire::Message*, LookupResult&) {}, std::move(done));
}

void SimNode::fetch(const SimValue& value, LookupDone done) {
  // XMPP-LOCATION: the whole dictionary, as a lookup of a bare JID fetches it (no keys).
  wire::ModelSpecifier which = wire::SingleValueSpecifier{};
  if (world_->xmpp_location()) which = wire::DictionarySpecifier{};
  wire::FetchReq req{value.resource, {{world_->kind(), 0, which}}};
  routed(value.resource, wire::MessageCode::fetch_req, wire::encode_to_buffer(req).value(),
         [this, &value](const wire::Message* m, LookupResult& r) {
           auto ans = wire::decode_exact<wire::FetchAns>(m->contents.message_body, world_->codec());
           if (!ans || ans->kind_responses.size() != 1 || ans->kind_responses[0].values.size() != 1) return;
           const auto& stored = ans->kind_responses[0].values[0].value;
           if (const auto* entry = std::get_if<wire::DictionaryEntry>(&stored); entry && !wire::equal_bytes(entry->key, value.key))
             return;
           const auto* v = wire::data_value_of(stored);
           r.value_found = v && v->exists && wire::equal_bytes(v->value, value.payload);
         },
         std::move(done));
}

void SimNode::store(const SimValue& value, std::function<void(bool)> done) {
  request({value.resource}, wire::MessageCode::store_req, value.store_req,
          [done = std::move(done)](const wire::Message* m) {
            done(m && m->contents.message_code == static_cast<std::uint16_t>(wire::MessageCode::store_ans));
          },
          std::span<const crypto::Certificate>(&value.storer, 1));
  settle();
}

void SimNode::send_store(wire::DestinationList to, wire::Buffer store_req, std::vector<crypto::Certificate> certificates,
                         Acknowledged done) {
  request(std::move(to), wire::MessageCode::store_req, std::move(store_req),
          [this, done = std::move(done)](const wire::Message* m) {
            // As OverlayNode::send_store: refused because the peer holds newer data, it holds
            // the data; any other refusal, or no answer, and it may not.
            using Outcome = ReplicaSender::Outcome;
            Outcome outcome = Outcome::not_held;
            if (m && m->contents.message_code == static_cast<std::uint16_t>(wire::MessageCode::store_ans)) {
              outcome = Outcome::held;
            } else if (m && m->contents.message_code == static_cast<std::uint16_t>(wire::MessageCode::error)) {
              auto e = wire::decode_exact<wire::ErrorResponse>(m->contents.message_body, codec_);
              if (e && (e->error_code == static_cast<std::uint16_t>(errc::data_too_old) ||
                        e->error_code == static_cast<std::uint16_t>(errc::generation_counter_too_low)))
                outcome = Outcome::newer_there;
            }
            if (outcome != Outcome::held) ++counters_.storage_refused;
            done(outcome, now());
          },
          certificates);
}

void SimNode::send_fetch(wire::DestinationList to, wire::Buffer fetch_req, Fetched done) {
  request(std::move(to), wire::MessageCode::fetch_req, std::move(fetch_req),
          [this, done = std::move(done)](const wire::Message* m) {
            const bool fetched =
                m && m->contents.message_code == static_cast<std::uint16_t>(wire::MessageCode::fetch_ans);
            done(fetched ? m : nullptr, now());
          });
}

// ---------------------------------------------------------------- links

void SimNode::on_link_up(const NodeId& peer) {
  if (peer == id()) return;
  if (auto at = std::lower_bound(links_.begin(), links_.end(), peer); at == links_.end() || *at != peer)
    links_.insert(at, peer);
  std::optional<topology::AttachPurpose> purpose;
  if (auto d = dialling_.find(peer); d != dialling_.end()) {
    purpose = d->second.purpose;
    dialling_.erase(d);
  }
  chord_.on_attached(peer, purpose, now());
  if (auto a = answering_.find(peer); a != answering_.end()) {
    if (a->second) chord_.send_update_to(peer, now());
    answering_.erase(a);
  }
  settle();
}

void SimNode::on_link_failed(const NodeId& peer) {
  answering_.erase(peer);
  if (dialling_.erase(peer)) chord_.on_attach_failed(peer, now());
  settle();
}

void SimNode::on_link_down(const NodeId& peer) {
  auto at = std::lower_bound(links_.begin(), links_.end(), peer);
  if (at == links_.end() || *at != peer) return;
  links_.erase(at);
  answering_.erase(peer);
  chord_.on_detached(peer, now());
  settle();
}

// ---------------------------------------------------------------- messages

wire::Buffer SimNode::build(std::uint64_t transaction_id, wire::DestinationList to, wire::MessageCode code,
                            wire::Bytes body, std::span<const crypto::Certificate> extra) const {
  wire::Message m;
  m.header.overlay = settings_.overlay;
  m.header.ttl = policy_.initial_ttl;
  m.header.transaction_id = transaction_id;
  m.header.destination_list = std::move(to);
  m.contents.message_code = static_cast<std::uint16_t>(code);
  m.contents.message_body = body;
  if (settings_.security.real) settings_.security.real->seal(m, id());
  else security_.seal(m);
  for (const auto& c : extra) m.security.certificates.push_back({wire::CertificateType::x509, c.der()});
  return wire::encode_message(m).value();
}

void SimNode::request(wire::DestinationList to, wire::MessageCode code, wire::Buffer body, Answered done,
                      std::span<const crypto::Certificate> extra) {
  std::uint64_t tid = random_();
  while (pending_.contains(tid)) tid = random_();
  auto bytes = build(tid, std::move(to), code, body, extra);
  Pending p;
  p.done = std::move(done);
  p.timer = ns3::Simulator::Schedule(to_ns3(settings_.request_timeout), [this, tid] {
    auto it = pending_.find(tid);
    if (it == pending_.end()) return;
    auto expired = std::move(it->second.done);
    pending_.erase(it);
    ++counters_.timeouts;
    expired(nullptr);
    settle();
  });
  pending_.emplace(tid, std::move(p));
  pass_on(id(), bytes, true);
}

void SimNode::reply(const wire::Message& request, const NodeId& previous_hop, wire::MessageCode code,
                    wire::Buffer body, std::span<const crypto::Certificate> extra) {
  // Section 6.2.2: back to the hop it came from, then along the via list reversed.
  wire::DestinationList to;
  to.reserve(request.header.via_list.size() + 1);
  to.emplace_back(previous_hop);
  for (auto it = request.header.via_list.rbegin(); it != request.header.via_list.rend(); ++it) to.push_back(*it);
  pass_on(id(), build(request.header.transaction_id, std::move(to), code, body, extra), true);
}

void SimNode::receive(const NodeId& previous_hop, wire::Bytes bytes) {
  // A link that is gone delivers nothing (its bytes were in flight when it closed).
  if (previous_hop == id()) {
    deliver(previous_hop, bytes);  // pass_on() decided so already
  } else {
    if (!has_link(previous_hop)) return;
    pass_on(previous_hop, bytes, false);
  }
  settle();
}

// The forwarding path of reload-node (OverlayNode::on_link_message): the header only.
// `own`: this node made the message, so it is not appended to the via list.
void SimNode::pass_on(const NodeId& previous_hop, wire::Bytes bytes, bool own) {
  auto h = wire::peek_header(bytes);
  if (!h) {
    ++counters_.undecodable;
    return;
  }
  auto d = node::decide(*h, policy_, *this);
  if (auto* f = std::get_if<node::decision::Forward>(&d)) {
    wire::Buffer out;
    const wire::Buffer via = own ? wire::Buffer{} : wire::encode_destination(previous_hop);
    if (wire::rewrite_header(bytes, *h, wire::ForwardEdit{f->pop, via, !own}, out)) {
      ++counters_.ttl_exhausted;
      return;
    }
    if (out.size() > settings_.max_message_size) {
      ++counters_.dropped;
      return;
    }
    link_layer_.send(id(), f->next_hop, std::move(out));
    return;
  }
  // The RFC's error answers are not simulated: the requester times out instead.
  if (auto* r = std::get_if<node::decision::Reject>(&d)) {
    ++(r->error == errc::ttl_exceeded ? counters_.ttl_exhausted : counters_.dropped);
    return;
  }
  if (std::holds_alternative<node::decision::Drop>(d)) {
    ++counters_.no_route;  // decide() drops for want of a route, or for a malformed list
    return;
  }
  if (own) {
    // For this node itself: delivered later in this instant, as a message from itself.
    link_layer_.send(id(), id(), wire::Buffer(bytes.begin(), bytes.end()));
    return;
  }
  deliver(previous_hop, bytes);
}

std::optional<NodeId> SimNode::signer_of(const wire::Message& m) const {
  if (settings_.security.real) return settings_.security.real->verify(m);
  return StandInSecurity::signer_of(m, settings_.node_id_length);
}

void SimNode::deliver(const NodeId& previous_hop, wire::Bytes bytes) {
  auto m = wire::decode_message(bytes, codec_);
  if (!m) {
    ++counters_.undecodable;
    return;
  }
  auto sender = signer_of(*m);
  if (!sender) {
    ++counters_.undecodable;
    return;
  }
  if (wire::is_request(m->contents.message_code)) {
    handle_request(*m, *sender, previous_hop);
  } else {
    answered_by_ = *sender;  // verified once, here
    answered(*m);
  }
}

void SimNode::answered(const wire::Message& m) {
  auto it = pending_.find(m.header.transaction_id);
  if (it == pending_.end()) return;  // late: it timed out already
  ns3::Simulator::Cancel(it->second.timer);
  auto done = std::move(it->second.done);
  pending_.erase(it);
  done(&m);
}

void SimNode::settle() {
  carry_out_effects();
  TimePoint next = chord_.periodic(now());
  carry_out_effects();
  if (storage_) {
    // OverlayNode::timer_loop's storage part: joiners whose hand-over took too long are
    // admitted anyway, values expire, failed hand-offs and replica stores go again.
    const TimePoint t = now();
    for (const auto& joiner : admissions_.expire(t)) chord_.on_join_request(joiner, t);
    storage_->expire(t);
    if (auto e = storage_->next_expiry()) next = std::min(next, *e);
    if (auto p = storage_->periodic(t)) next = std::min(next, *p);
    carry_out_effects();
    if (storage_->replication_due()) next = std::min(next, t + node::StorageService::replication_delay);
    if (auto d = admissions_.next_deadline()) next = std::min(next, *d);
  }
  // Chord may want to be woken earlier than the timer set: move it.
  if (next < wake_at_ || !wake_.IsRunning()) {
    ns3::Simulator::Cancel(wake_);
    wake_at_ = next;
    wake_ = ns3::Simulator::Schedule(until(next), [this] {
      wake_at_ = TimePoint::max();
      settle();
    });
  }
}

}  // namespace reload::sim
