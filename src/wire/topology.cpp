#include "wire/topology.hpp"

namespace reload::wire {

namespace {

// A NodeId has no length byte: an empty one would vanish from the wire and shift every
// field after it.
void encode_node_id(Writer& w, const NodeId& id, const char* field) {
  if (id.empty()) w.fail(codec_errc::invalid_value, field);
  w.node_id(id);
}

// A list that is not a whole number of Node-IDs ends in a short read: truncated.
void decode_node_ids(Reader& r, std::vector<NodeId>& out, const CodecContext& ctx,
                     const char* field) {
  Reader list = r.sub(2, field);
  out.clear();
  while (list.more()) {
    NodeId id = list.node_id(ctx.node_id_length, field);
    if (list.ok()) out.push_back(id);
  }
}

void encode_node_ids(Writer& w, const std::vector<NodeId>& ids, const char* field) {
  auto len = w.length_prefix(2, field);
  for (const auto& id : ids) encode_node_id(w, id, field);
}

}  // namespace

void decode(Reader& r, JoinReq& j, const CodecContext& ctx) {
  j.joining_peer_id = r.node_id(ctx.node_id_length, "JoinReq.joining_peer_id");
  j.overlay_specific_data = r.opaque(2, "JoinReq.overlay_specific_data");
}

void encode(Writer& w, const JoinReq& j) {
  encode_node_id(w, j.joining_peer_id, "JoinReq.joining_peer_id");
  w.opaque(2, j.overlay_specific_data, "JoinReq.overlay_specific_data");
}

void decode(Reader& r, JoinAns& j, const CodecContext&) {
  j.overlay_specific_data = r.opaque(2, "JoinAns.overlay_specific_data");
}

void encode(Writer& w, const JoinAns& j) {
  w.opaque(2, j.overlay_specific_data, "JoinAns.overlay_specific_data");
}

void decode(Reader& r, LeaveReq& l, const CodecContext& ctx) {
  l.leaving_peer_id = r.node_id(ctx.node_id_length, "LeaveReq.leaving_peer_id");
  l.overlay_specific_data = r.opaque(2, "LeaveReq.overlay_specific_data");
}

void encode(Writer& w, const LeaveReq& l) {
  encode_node_id(w, l.leaving_peer_id, "LeaveReq.leaving_peer_id");
  w.opaque(2, l.overlay_specific_data, "LeaveReq.overlay_specific_data");
}

// Empty bodies: decode_exact turns any byte into trailing_bytes.
void decode(Reader&, LeaveAns&, const CodecContext&) {}
void encode(Writer&, const LeaveAns&) {}
void decode(Reader&, UpdateAns&, const CodecContext&) {}
void encode(Writer&, const UpdateAns&) {}

void decode(Reader& r, RouteQueryReq& q, const CodecContext& ctx) {
  q.send_update = r.boolean("RouteQueryReq.send_update");
  decode(r, q.destination, ctx);
  q.overlay_specific_data = r.opaque(2, "RouteQueryReq.overlay_specific_data");
}

void encode(Writer& w, const RouteQueryReq& q) {
  w.boolean(q.send_update);
  encode(w, q.destination);
  w.opaque(2, q.overlay_specific_data, "RouteQueryReq.overlay_specific_data");
}

void decode(Reader& r, ChordUpdate& u, const CodecContext& ctx) {
  u.uptime = r.u32("ChordUpdate.uptime");
  std::size_t type_at = r.offset();
  std::uint8_t type = r.u8("ChordUpdate.type");
  if (!r.ok()) return;
  u.type = static_cast<ChordUpdateType>(type);
  u.predecessors.clear();
  u.successors.clear();
  u.fingers.clear();
  switch (u.type) {
    case ChordUpdateType::peer_ready:
      break;
    case ChordUpdateType::full:
    case ChordUpdateType::neighbors:
      decode_node_ids(r, u.predecessors, ctx, "ChordUpdate.predecessors");
      decode_node_ids(r, u.successors, ctx, "ChordUpdate.successors");
      if (u.type == ChordUpdateType::full)
        decode_node_ids(r, u.fingers, ctx, "ChordUpdate.fingers");
      break;
    default:
      r.fail_at(type_at, type == 0 ? codec_errc::invalid_value : codec_errc::unknown_type,
                "ChordUpdate.type");
  }
}

void encode(Writer& w, const ChordUpdate& u) {
  bool lists = u.type == ChordUpdateType::neighbors || u.type == ChordUpdateType::full;
  if (u.type != ChordUpdateType::peer_ready && !lists)
    w.fail(codec_errc::invalid_value, "ChordUpdate.type");
  if (!lists && !u.predecessors.empty())
    w.fail(codec_errc::invalid_value, "ChordUpdate.predecessors");
  if (!lists && !u.successors.empty()) w.fail(codec_errc::invalid_value, "ChordUpdate.successors");
  if (u.type != ChordUpdateType::full && !u.fingers.empty())
    w.fail(codec_errc::invalid_value, "ChordUpdate.fingers");
  w.u32(u.uptime);
  w.u8(static_cast<std::uint8_t>(u.type));
  if (!lists) return;
  encode_node_ids(w, u.predecessors, "ChordUpdate.predecessors");
  encode_node_ids(w, u.successors, "ChordUpdate.successors");
  if (u.type == ChordUpdateType::full) encode_node_ids(w, u.fingers, "ChordUpdate.fingers");
}

void decode(Reader& r, ChordRouteQueryAns& a, const CodecContext& ctx) {
  a.next_peer = r.node_id(ctx.node_id_length, "ChordRouteQueryAns.next_peer");
}

void encode(Writer& w, const ChordRouteQueryAns& a) {
  encode_node_id(w, a.next_peer, "ChordRouteQueryAns.next_peer");
}

void decode(Reader& r, ChordLeaveData& d, const CodecContext& ctx) {
  std::size_t type_at = r.offset();
  std::uint8_t type = r.u8("ChordLeaveData.type");
  if (!r.ok()) return;
  d.type = static_cast<ChordLeaveType>(type);
  d.successors.clear();
  d.predecessors.clear();
  switch (d.type) {
    case ChordLeaveType::from_succ:
      decode_node_ids(r, d.successors, ctx, "ChordLeaveData.successors");
      break;
    case ChordLeaveType::from_pred:
      decode_node_ids(r, d.predecessors, ctx, "ChordLeaveData.predecessors");
      break;
    default:
      r.fail_at(type_at, type == 0 ? codec_errc::invalid_value : codec_errc::unknown_type,
                "ChordLeaveData.type");
  }
}

void encode(Writer& w, const ChordLeaveData& d) {
  switch (d.type) {
    case ChordLeaveType::from_succ:
      if (!d.predecessors.empty()) w.fail(codec_errc::invalid_value, "ChordLeaveData.predecessors");
      w.u8(static_cast<std::uint8_t>(d.type));
      encode_node_ids(w, d.successors, "ChordLeaveData.successors");
      return;
    case ChordLeaveType::from_pred:
      if (!d.successors.empty()) w.fail(codec_errc::invalid_value, "ChordLeaveData.successors");
      w.u8(static_cast<std::uint8_t>(d.type));
      encode_node_ids(w, d.predecessors, "ChordLeaveData.predecessors");
      return;
  }
  w.fail(codec_errc::invalid_value, "ChordLeaveData.type");
}

}  // namespace reload::wire
