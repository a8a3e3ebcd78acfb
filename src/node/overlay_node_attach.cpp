// OverlayNode's Attach (RFC 6940 section 6.5.1): its own No-ICE candidates, the answer to an
// Attach and the dial that follows it, and the Attaches Chord asks for. The bookkeeping and
// section 6.5.1.2's decisions are AttachStates'; this is the part that sends and dials. The
// ICE half (DTLS-UDP-SR links) is in overlay_node_ice_attach.cpp.
#include "node/overlay_node.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <fmt/format.h>

#include "node/no_ice_candidates.hpp"
#include "node/reachable_addresses.hpp"
#include "transport/endpoint.hpp"
#include "wire/attach.hpp"
#include "wire/codec.hpp"
#include "wire/ping.hpp"

namespace reload::node {

using wire::NodeId;

wire::Buffer OverlayNode::own_candidates_body(std::string_view role, bool send_update, wire::OverlayLinkType type) {
  wire::Buffer ufrag = random_token(8), pwd = random_token(24);
  // The UDP listener has the TCP one's port (open_listeners).
  const auto ep = listen_endpoint();
  wire::AttachReqAns a;
  a.ufrag = ufrag;
  a.password = pwd;
  a.role = wire::as_bytes(role);
  NoIceCandidateStorage storage;
  // The answerer dials the first; a few more say where else this host listens.
  constexpr std::size_t most = 8;
  for (const auto& address : reachable_addresses(ep.address())) {
    if (a.candidates.size() == most) break;
    a.candidates.push_back(passive_no_ice_candidate({address, ep.port()}, type, storage));
  }
  a.send_update = send_update;
  return wire::encode_to_buffer(a).value();
}

// A peer that Attaches to us while we hold a link to it either links again over a path it
// already has (a finger Attach routed to us), or lost its end of that link: it crashed and
// came back under the same Node-ID, and its old DTLS association is gone (a real kill -9
// sends no Leave and no close_notify). Only the link can tell: a Ping over it draws an ack,
// or the link goes quiet within its RTO. A quiet link is dropped here and the Attach served;
// a link that answers stays, and the Attach gets its answer without a new link. The
// restarted peer tries again (its join retries within 1.5 s) and finds the link quiet by
// then, instead of waiting for the 30 s failure timeout. One Ping per peer per 5 s at most.
bool OverlayNode::drop_link_if_stale(const NodeId& peer, std::chrono::steady_clock::time_point now) {
  auto l = links_.find(peer);
  if (l == links_.end()) return true;
  auto stale = l->second;
  auto& info = link_peers_.at(stale.get());
  if (!info.quiet) {
    constexpr auto probe_interval = std::chrono::seconds(5);
    if (now - info.probed >= probe_interval) {
      info.probed = now;
      wire::PingReq ping;
      request({peer}, wire::MessageCode::ping_req, wire::encode_to_buffer(ping).value(), [](auto) {},
              RequestOptions{{}, 1});
    }
    return false;
  }
  log(fmt::format("{} Attaches while our link to it is quiet: its end is gone; linking anew", short_id(peer)));
  link_peers_.erase(stale.get());
  links_.erase(l);
  stale->close();
  chord_.on_detached(peer, now);
  run_effects();
  return true;
}

Reply OverlayNode::on_attach_request(const IncomingRequest& r) {
  const auto& sender = r.sender;
  auto req = wire::decode_exact<wire::AttachReqAns>(r.message.contents.message_body, codec_);
  if (!req) return Refusal::text(errc::invalid_message, "undecodable AttachReqAns");
  if (wire::mixes_ice_and_no_ice(req->candidates))
    return Refusal::text(errc::invalid_message, "ICE and No-ICE candidates in one Attach");
  // The answer is in the link type the request asks for: DTLS-UDP-SR over ICE, or
  // TLS-TCP-FH-NO-ICE or DTLS-UDP-SR-NO-ICE to the requester's passive candidate.
  const bool ice = !req->candidates.empty() && wire::uses_ice(req->candidates.front().overlay_link);
  std::optional<NoIceTarget> target;
  if (ice) {
    if (auto ep = transport::to_endpoint(req->candidates.front().addr_port))
      target = NoIceTarget{*ep, req->candidates.front().overlay_link};
  } else {
    target = find_no_ice_candidate(*req);
  }
  if (!target) return Refusal::text(errc::invalid_message, "no usable candidate");
  // Already linked (or our own Attach to a key we hold): the answer carries no link.
  Answer answer{wire::MessageCode::attach_ans,
                ice ? ice_answer_without_candidates() : own_candidates_body(wire::role_active, false, target->type), {}};
  if (sender == self()) return answer;
  if (links_.contains(sender) && !drop_link_if_stale(sender, r.now)) {
    if (req->send_update) chord_.send_update_to(sender, r.now);
    return answer;
  }
  if (!chord_.accepts_link(sender)) return Refusal::text(errc::forbidden, "too many links; try later");
  const auto address = target->at.address().to_string();
  if (attaches_.is_dialling(sender))
    return Refusal::text(errc::in_progress, "this peer is already dialling you");
  // Error_In_Progress would make the requester wait for a link that is not coming.
  if (!attaches_.may_dial(sender, address))
    return Refusal::text(errc::forbidden, "too many links being set up to that address; try later");
  auto in = attaches_.on_request(sender, req->send_update, r.now);
  if (in.cancel) requests_.cancel(*in.cancel);  // we lost the tie-breaker: our Attach goes
  if (in.verdict == AttachStates::Verdict::in_progress)
    return Refusal::text(errc::in_progress, "an Attach to this peer is in progress");
  if (in.verdict == AttachStates::Verdict::overloaded)
    return Refusal::text(errc::forbidden, "too many links being set up; try later");
  attaches_.dialling(sender, address);
  reschedule();
  if (ice) {
    // The answer waits for our own candidates.
    wire::Buffer body(r.message.contents.message_body.begin(), r.message.contents.message_body.end());
    asio::co_spawn(ex_, answer_attach_over_ice(reply_later(r.message, r.previous_hop), sender, std::move(body), address),
                   asio::detached);
    return Deferred{};
  }
  // The answerer is the active side: it dials the requester's passive candidate, after the
  // answer has gone out.
  asio::co_spawn(ex_, [self = shared_from_this(), to = *target, sender] { return self->dial(to.at, to.type, sender); },
                 asio::detached);
  return answer;
}

void OverlayNode::send_attach(wire::DestinationList to, std::optional<topology::AttachPurpose> purpose,
                              std::optional<NodeId> peer, bool send_update) {
  if (attaches_over_ice()) {
    asio::co_spawn(ex_, send_attach_over_ice(std::move(to), purpose, peer, send_update), asio::detached);
    return;
  }
  send_attach_request(std::move(to), purpose, peer, own_candidates_body(wire::role_passive, send_update, no_ice_link_type()),
                      nullptr);
}

void OverlayNode::send_attach_request(wire::DestinationList to, std::optional<topology::AttachPurpose> purpose,
                                      std::optional<NodeId> peer, wire::Bytes body,
                                      std::function<void(const Response&)> on_answer) {
  auto id = std::make_shared<std::uint64_t>(0);
  *id = request(std::move(to), wire::MessageCode::attach_req, body,
                [self = shared_from_this(), purpose, peer, id, on_answer = std::move(on_answer)](
                    boost::system::result<Response> r) {
                  const auto now = Clock::now();
                  // Error_In_Progress: the peer completes its own Attach to us (section 6.5.1.2).
                  const bool in_progress = !r && r.error() == errc::in_progress;
                  using Outcome = AttachStates::Outcome;
                  if (peer)
                    self->attaches_.ended(*peer, *id,
                                          r ? Outcome::answered : in_progress ? Outcome::peer_attaches : Outcome::failed,
                                          now);
                  if (in_progress && peer) return self->reschedule();
                  if (!r) {
                    if (peer) {
                      self->chord_.on_attach_failed(*peer, now);
                      self->run_effects();
                    }
                    if (purpose == topology::AttachPurpose::join) self->retry_join(r.error());
                    return;
                  }
                  if (on_answer && r->sender != self->self() && !self->links_.contains(r->sender)) on_answer(*r);
                  self->on_attach_answer(r->sender, purpose);
                });
  if (peer && *id) attaches_.sent(*peer, *id, AttachStates::Why{purpose, false});
}

void OverlayNode::on_attach_answer(const NodeId& answerer, std::optional<topology::AttachPurpose> purpose) {
  if (answerer == self()) return;
  if (links_.contains(answerer)) {
    attaches_.link_up(answerer);
    chord_.on_attached(answerer, purpose, Clock::now());
    run_effects();
    return;
  }
  attaches_.answered(answerer, AttachStates::Why{purpose, false}, Clock::now());
  reschedule();
}

}  // namespace reload::node
