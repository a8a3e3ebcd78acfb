// What a simulated node does with each request, and what Chord's effects become: the parts
// of src/node (OverlayNode::drain_effects, the Attach handler, TopologyMethods, the storage
// methods through StorageService) that the overlay needs, without ICE or TLS.
#include "sim_node.hpp"

#include <ns3/simulator.h>

#include "sim_time.hpp"
#include "wire/attach.hpp"
#include "wire/codec.hpp"
#include "wire/error_response.hpp"
#include "wire/ping.hpp"
#include "wire/topology.hpp"

namespace reload::sim {

using C = wire::MessageCode;

namespace {
constexpr std::uint16_t code_of(C c) { return static_cast<std::uint16_t>(c); }
}  // namespace

void SimNode::handle_request(const wire::Message& m, const NodeId& sender, const NodeId& previous_hop) {
  switch (static_cast<C>(m.contents.message_code)) {
    case C::attach_req: return on_attach(m, sender, previous_hop);
    case C::join_req: return on_join(m, sender, previous_hop);
    case C::update_req: return on_update(m, sender, previous_hop);
    case C::leave_req: return on_leave(m, sender, previous_hop);
    case C::ping_req: return on_ping(m, previous_hop);
    case C::store_req:
    case C::fetch_req:
    case C::stat_req:
    case C::find_req: return on_storage(m, sender, previous_hop);
    default: ++counters_.dropped;  // nothing else is sent in the simulator
  }
}

// The real body's shape and size: one host candidate for DTLS-UDP-SR, ICE credentials of
// the lengths OverlayNode uses.
wire::Buffer SimNode::attach_body(bool send_update) const {
  static const std::array<std::uint8_t, 8> ufrag{'s', 'i', 'm', 'u', 'f', 'r', 'a', 'g'};
  static const std::array<std::uint8_t, 24> password{};
  static const std::array<std::uint8_t, 1> foundation{'1'};
  wire::IceCandidate c;
  const auto b = id().bytes();
  c.addr_port = wire::Ipv4AddrPort{{10, b[0], b[1], b[2]}, 6084};
  c.overlay_link = wire::OverlayLinkType::dtls_udp_sr;
  c.foundation = foundation;
  c.priority = 2130706431;
  c.type = wire::CandType::host;
  wire::AttachReqAns a;
  a.ufrag = ufrag;
  a.password = password;
  a.role = wire::Bytes(reinterpret_cast<const std::uint8_t*>(wire::role_passive.data()), wire::role_passive.size());
  a.candidates.push_back(c);
  a.send_update = send_update;
  return wire::encode_to_buffer(a).value();
}

void SimNode::on_attach(const wire::Message& m, const NodeId& sender, const NodeId& previous_hop) {
  auto req = wire::decode_exact<wire::AttachReqAns>(m.contents.message_body, codec_);
  if (!req) {
    ++counters_.undecodable;
    return;
  }
  if (sender != id() && !has_link(sender) && !chord_.accepts_link(sender)) {
    // OverlayNode's answer past Chord's max_links.
    ++counters_.links_refused;
    auto e = wire::text_error_response(errc::forbidden, "too many links; try later");
    reply(m, previous_hop, C::error, wire::encode_to_buffer(e).value());
    return;
  }
  reply(m, previous_hop, C::attach_ans, attach_body(false));
  if (sender == id()) return;  // our own Attach to a key we hold: no link
  if (has_link(sender)) {
    if (req->send_update) chord_.send_update_to(sender, now());
    return;
  }
  // The requester dials once the answer reaches it; the Update it asked for follows the link.
  answering_[sender] = req->send_update;
}

void SimNode::on_join(const wire::Message& m, const NodeId& sender, const NodeId& previous_hop) {
  auto j = wire::decode_exact<wire::JoinReq>(m.contents.message_body, codec_);
  if (!j) {
    ++counters_.undecodable;
    return;
  }
  // Section 6.4.2.1, as TopologyMethods: only over the joiner's own link, for itself.
  if (j->joining_peer_id != sender || previous_hop != sender || sender == id()) {
    ++counters_.dropped;
    return;
  }
  admit(sender);
  reply(m, previous_hop, C::join_ans, wire::encode_to_buffer(wire::JoinAns{}).value());
}

void SimNode::admit(const NodeId& joiner) {
  // OverlayNode::admit_joiner: the joiner's range's data first, bounded in number and time.
  if (storage_ && chord_.state() == topology::Chord::State::joined) {
    switch (admissions_.wait_for(joiner, now())) {
      case node::JoinAdmissions::Wait::already_waiting: return;
      case node::JoinAdmissions::Wait::full: break;
      case node::JoinAdmissions::Wait::started:
        if (storage_->hand_over_to_joiner(joiner, now(), [this, joiner] {
              if (admissions_.finish(joiner)) chord_.on_join_request(joiner, now());
            }))
          return;
        admissions_.finish(joiner);
    }
  }
  chord_.on_join_request(joiner, now());
}

void SimNode::on_storage(const wire::Message& m, const NodeId& sender, const NodeId& previous_hop) {
  if (!storage_) {
    ++counters_.dropped;
    return;
  }
  // The request's signer: for an original Store, the storing user, whose real certificate
  // follows the stand-in one (sim_storage.hpp); the store does not look at it otherwise.
  std::optional<crypto::VerifiedSigner> user;
  if (m.contents.message_code == code_of(C::store_req) && m.security.certificates.size() > 1)
    if (auto c = world_->cache().verified(m.security.certificates[1].certificate)) user = crypto::VerifiedSigner{*c, {}};
  const auto r = storage_->handle(node::IncomingRequest{m, user ? *user : world_->anonymous(), sender, previous_hop, now()});
  if (const auto* a = std::get_if<node::Answer>(&r)) {
    reply(m, previous_hop, a->code, a->body, a->certificates);
  } else if (const auto* refusal = std::get_if<node::Refusal>(&r)) {
    wire::ErrorResponse e{static_cast<std::uint16_t>(refusal->code), refusal->error_info};
    reply(m, previous_hop, C::error, wire::encode_to_buffer(e).value());
  }
}

void SimNode::on_update(const wire::Message& m, const NodeId& sender, const NodeId& previous_hop) {
  auto u = wire::decode_exact<wire::ChordUpdate>(m.contents.message_body, codec_);
  if (!u) {
    ++counters_.undecodable;
    return;
  }
  chord_.on_update(sender, *u, now());
  reply(m, previous_hop, C::update_ans, {});
}

void SimNode::on_leave(const wire::Message& m, const NodeId& sender, const NodeId& previous_hop) {
  auto l = wire::decode_exact<wire::LeaveReq>(m.contents.message_body, codec_);
  if (!l) {
    ++counters_.undecodable;
    return;
  }
  auto data = wire::decode_exact<wire::ChordLeaveData>(l->overlay_specific_data, codec_);
  if (!data || l->leaving_peer_id != sender || previous_hop != sender) {
    ++counters_.dropped;
    return;
  }
  chord_.on_leave(sender, *data, now());
  reply(m, previous_hop, C::leave_ans, {});
}

void SimNode::on_ping(const wire::Message& m, const NodeId& previous_hop) {
  wire::PingAns a;
  a.response_id = random_();
  a.time = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch()).count());
  reply(m, previous_hop, C::ping_ans, wire::encode_to_buffer(a).value());
}

// ---------------------------------------------------------------- Chord's effects

void SimNode::carry_out_effects() {
  namespace effect = topology::effect;
  bool neighbors_moved = false;
  for (;;) {
    auto effects = chord_.take_effects();
    if (effects.empty()) break;
    for (auto& e : effects) {
      if (auto* a = std::get_if<effect::AttachToPeer>(&e)) {
        wire::DestinationList to;
        if (a->via) to.emplace_back(*a->via);
        to.emplace_back(a->peer);
        send_attach(std::move(to), {topology::AttachPurpose::neighbor, a->peer}, false);
      } else if (auto* k = std::get_if<effect::AttachToKey>(&e)) {
        wire::DestinationList to;
        if (k->via) to.emplace_back(*k->via);
        to.emplace_back(wire::ResourceId(k->key.bytes()));
        send_attach(std::move(to), {k->purpose, std::nullopt}, k->send_update);
      } else if (auto* j = std::get_if<effect::SendJoin>(&e)) {
        send_join(j->to);
      } else if (auto* u = std::get_if<effect::SendUpdate>(&e)) {
        request({u->to}, C::update_req, wire::encode_to_buffer(u->update).value(), [](const wire::Message*) {});
      } else if (auto* l = std::get_if<effect::SendLeave>(&e)) {
        auto data = wire::encode_to_buffer(l->data).value();
        wire::LeaveReq req{id(), data};
        request({l->to}, C::leave_req, wire::encode_to_buffer(req).value(), [](const wire::Message*) {});
      } else if (std::holds_alternative<effect::SuccessorsChanged>(e) ||
                 std::holds_alternative<effect::ResponsibilityChanged>(e) ||
                 std::holds_alternative<effect::PredecessorsChanged>(e)) {
        neighbors_moved = true;
      }
    }
  }
  if (!storage_) return;
  // As OverlayNode::drain_effects.
  storage_->hold_replication(!chord_.admitted());
  if (neighbors_moved && chord_.state() == topology::Chord::State::joined)
    storage_->on_ring_changed(chord_.neighbors(), now());
}

void SimNode::send_attach(wire::DestinationList to, Dial dial, bool send_update) {
  request(std::move(to), C::attach_req, attach_body(send_update), [this, dial](const wire::Message* m) {
    if (m && m->contents.message_code == code_of(C::attach_ans)) {
      attach_answered(answered_by_, dial);
      return;
    }
    // No answer, or an error: as OverlayNode, Chord forgets the peer it named; a join starts over.
    if (dial.peer) chord_.on_attach_failed(*dial.peer, now());
    if (dial.purpose == topology::AttachPurpose::join) retry_join();
  });
}

void SimNode::attach_answered(const NodeId& answerer, const Dial& dial) {
  if (answerer == id()) {
    if (dial.peer) chord_.on_attach_failed(*dial.peer, now());
    if (dial.purpose == topology::AttachPurpose::join) retry_join();
    return;
  }
  if (has_link(answerer)) {
    chord_.on_attached(answerer, dial.purpose, now());
    return;
  }
  if (dial.peer && *dial.peer != answerer) chord_.on_attach_failed(*dial.peer, now());
  if (dialling_.contains(answerer)) return;  // a link to it is on its way already
  dialling_[answerer] = dial;
  link_layer_.connect(id(), answerer);
}

void SimNode::send_join(const NodeId& admitting_peer) {
  wire::JoinReq req{id(), {}};
  request({admitting_peer}, C::join_req, wire::encode_to_buffer(req).value(),
          [this, admitting_peer](const wire::Message* m) {
            if (m && m->contents.message_code == code_of(C::join_ans)) {
              chord_.on_join_answer(admitting_peer, now());
              return;
            }
            retry_join();
          });
}

void SimNode::retry_join() {
  // OverlayNode::retry_join: a joining node that lost its Attach or Join tries again.
  if (chord_.state() != topology::Chord::State::joining || join_retry_.IsRunning()) return;
  join_retry_ = ns3::Simulator::Schedule(to_ns3(settings_.join_retry), [this] {
    if (chord_.state() != topology::Chord::State::joining) return;
    chord_.join(now());
    settle();
  });
}

}  // namespace reload::sim
