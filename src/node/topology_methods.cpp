#include "node/topology_methods.hpp"

#include <fmt/format.h>

#include "wire/codec.hpp"
#include "wire/ring.hpp"
#include "wire/topology.hpp"

namespace reload::node {

using C = wire::MessageCode;

namespace {

Answer empty_answer(C code) { return Answer{code, {}, {}}; }

}  // namespace

TopologyMethods::TopologyMethods(topology::Chord& chord, const wire::CodecContext& codec, std::size_t node_id_length,
                                 std::function<void(const std::string&)> log, Admit admit)
    : chord_(chord), codec_(codec), node_id_length_(node_id_length), log_(std::move(log)), admit_(std::move(admit)) {}

void TopologyMethods::register_in(MethodTable& table) {
  for (auto code : {C::join_req, C::leave_req, C::update_req, C::route_query_req}) table.add(code, *this);
}

Reply TopologyMethods::handle(const IncomingRequest& r) {
  switch (static_cast<C>(r.message.contents.message_code)) {
    case C::join_req: return join(r);
    case C::leave_req: return leave(r);
    case C::update_req: return update(r);
    default: return route_query(r);
  }
}

Reply TopologyMethods::join(const IncomingRequest& r) {
  auto j = wire::decode_exact<wire::JoinReq>(r.message.contents.message_body, codec_);
  if (!j) return Refusal::text(errc::invalid_message, "undecodable JoinReq");
  if (j->joining_peer_id != r.sender || r.previous_hop != r.sender || r.sender == chord_.self())
    return Refusal::text(errc::forbidden, "join only over the joiner's own link, for itself");
  log_(fmt::format("admitting {}", r.sender.hex().substr(0, 8)));
  admit_(r.sender, r.now);
  return Answer{C::join_ans, wire::encode_to_buffer(wire::JoinAns{}).value(), {}};
}

Reply TopologyMethods::leave(const IncomingRequest& r) {
  auto l = wire::decode_exact<wire::LeaveReq>(r.message.contents.message_body, codec_);
  if (!l) return Refusal::text(errc::invalid_message, "undecodable LeaveReq");
  auto data = wire::decode_exact<wire::ChordLeaveData>(l->overlay_specific_data, codec_);
  if (l->leaving_peer_id != r.sender || r.previous_hop != r.sender || !data)
    return Refusal::text(errc::forbidden, "leave only over the leaver's own link, for itself, with ChordLeaveData");
  log_(fmt::format("{} leaves", r.sender.hex().substr(0, 8)));
  chord_.on_leave(r.sender, *data, r.now);
  return empty_answer(C::leave_ans);
}

Reply TopologyMethods::update(const IncomingRequest& r) {
  auto u = wire::decode_exact<wire::ChordUpdate>(r.message.contents.message_body, codec_);
  if (!u) return Refusal::text(errc::invalid_message, "undecodable Update");
  chord_.on_update(r.sender, *u, r.now);
  return empty_answer(C::update_ans);
}

Reply TopologyMethods::route_query(const IncomingRequest& r) {
  auto q = wire::decode_exact<wire::RouteQueryReq>(r.message.contents.message_body, codec_);
  if (!q) return Refusal::text(errc::invalid_message, "undecodable RouteQueryReq");
  wire::NodeId key;
  if (const auto* n = std::get_if<wire::NodeId>(&q->destination)) key = *n;
  else if (const auto* res = std::get_if<wire::ResourceId>(&q->destination))
    key = wire::ring::point_of(*res, node_id_length_);
  else
    return Refusal::text(errc::invalid_message, "route query for an opaque destination");
  auto d = chord_.route(key);
  wire::ChordRouteQueryAns a{d.deliver_here || !d.next_hop ? chord_.self() : *d.next_hop};
  if (q->send_update) chord_.send_update_to(r.sender, r.now);
  return Answer{C::route_query_ans, wire::encode_to_buffer(a).value(), {}};
}

}  // namespace reload::node
