// The overlay-maintenance bodies (RFC 6940 section 6.4.2) and CHORD-RELOAD's overlay-specific
// parts of them (sections 10.7 to 10.9).
//
//   JoinReq            = NodeId joining_peer_id | overlay_specific_data<0..2^16-1>
//   JoinAns            = overlay_specific_data<0..2^16-1>
//   LeaveReq           = NodeId leaving_peer_id | overlay_specific_data<0..2^16-1>
//   LeaveAns, UpdateAns = (empty)
//   RouteQueryReq      = send_update(1) | Destination destination
//                        | overlay_specific_data<0..2^16-1>
//   ChordUpdate        = uptime(4) | type(1)
//                        | [NodeId predecessors<0..2^16-1> | NodeId successors<0..2^16-1>]
//                            (neighbors and full)
//                        | [NodeId fingers<0..2^16-1>]  (full)
//   ChordRouteQueryAns = NodeId next_peer
//   ChordLeaveData     = type(1) | NodeId successors<0..2^16-1>    (from_succ)
//                                | NodeId predecessors<0..2^16-1>  (from_pred)
// NodeIds are ctx.node_id_length bytes with no length byte; a list's prefix counts bytes
// (PITFALLS.md item 1). UpdateReq and RouteQueryAns are wholly overlay-specific: with
// CHORD-RELOAD their bodies are ChordUpdate and ChordRouteQueryAns. ChordLeaveData rides in
// LeaveReq.overlay_specific_data (PITFALLS.md item 14). The Chord selects carry no length, so
// an unknown ChordUpdateType or ChordLeaveType is unknown_type.
#pragma once

#include <cstdint>
#include <vector>

#include "wire/bytes.hpp"
#include "wire/codec_context.hpp"
#include "wire/describe.hpp"
#include "wire/destination.hpp"
#include "wire/node_id.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

namespace reload::wire {

struct JoinReq {
  NodeId joining_peer_id;
  Bytes overlay_specific_data;  // <0..2^16-1>, empty for CHORD-RELOAD
};

struct JoinAns {
  Bytes overlay_specific_data;  // <0..2^16-1>
};

struct LeaveReq {
  NodeId leaving_peer_id;
  Bytes overlay_specific_data;  // <0..2^16-1>, a ChordLeaveData for CHORD-RELOAD
};

struct LeaveAns {};

struct UpdateAns {};

struct RouteQueryReq {
  bool send_update = false;
  Destination destination;
  Bytes overlay_specific_data;  // <0..2^16-1>, empty for CHORD-RELOAD
};

enum class ChordUpdateType : std::uint8_t { peer_ready = 1, neighbors = 2, full = 3 };

struct ChordUpdate {
  std::uint32_t uptime = 0;  // seconds
  ChordUpdateType type = ChordUpdateType::peer_ready;
  std::vector<NodeId> predecessors;  // neighbors and full only
  std::vector<NodeId> successors;    // neighbors and full only
  std::vector<NodeId> fingers;       // full only, in ascending order
};

struct ChordRouteQueryAns {
  NodeId next_peer;
};

enum class ChordLeaveType : std::uint8_t { from_succ = 1, from_pred = 2 };

struct ChordLeaveData {
  ChordLeaveType type = ChordLeaveType::from_succ;
  std::vector<NodeId> successors;    // from_succ only: the sender's successor list
  std::vector<NodeId> predecessors;  // from_pred only: the sender's predecessor list
};

// The bodies of UpdateReq and RouteQueryAns in the one topology plug-in this node runs.
using UpdateReq = ChordUpdate;
using RouteQueryAns = ChordRouteQueryAns;

void decode(Reader& r, JoinReq& j, const CodecContext& ctx);
void encode(Writer& w, const JoinReq& j);
void decode(Reader& r, JoinAns& j, const CodecContext& ctx);
void encode(Writer& w, const JoinAns& j);
void decode(Reader& r, LeaveReq& l, const CodecContext& ctx);
void encode(Writer& w, const LeaveReq& l);
void decode(Reader& r, LeaveAns& l, const CodecContext& ctx);
void encode(Writer& w, const LeaveAns& l);
void decode(Reader& r, UpdateAns& u, const CodecContext& ctx);
void encode(Writer& w, const UpdateAns& u);
void decode(Reader& r, RouteQueryReq& q, const CodecContext& ctx);
void encode(Writer& w, const RouteQueryReq& q);
// The encoders of the Chord structures refuse (invalid_value) a list the type has no place
// for, rather than drop it.
void decode(Reader& r, ChordUpdate& u, const CodecContext& ctx);
void encode(Writer& w, const ChordUpdate& u);
void decode(Reader& r, ChordRouteQueryAns& a, const CodecContext& ctx);
void encode(Writer& w, const ChordRouteQueryAns& a);
void decode(Reader& r, ChordLeaveData& d, const CodecContext& ctx);
void encode(Writer& w, const ChordLeaveData& d);

RELOAD_WIRE_DESCRIBE(JoinReq, (joining_peer_id, overlay_specific_data))
RELOAD_WIRE_DESCRIBE(JoinAns, (overlay_specific_data))
RELOAD_WIRE_DESCRIBE(LeaveReq, (leaving_peer_id, overlay_specific_data))
RELOAD_WIRE_DESCRIBE(LeaveAns, ())
RELOAD_WIRE_DESCRIBE(UpdateAns, ())
RELOAD_WIRE_DESCRIBE(RouteQueryReq, (send_update, destination, overlay_specific_data))
BOOST_DESCRIBE_ENUM(ChordUpdateType, peer_ready, neighbors, full)
RELOAD_WIRE_DESCRIBE(ChordUpdate, (uptime, type, predecessors, successors, fingers))
RELOAD_WIRE_DESCRIBE(ChordRouteQueryAns, (next_peer))
BOOST_DESCRIBE_ENUM(ChordLeaveType, from_succ, from_pred)
RELOAD_WIRE_DESCRIBE(ChordLeaveData, (type, successors, predecessors))

}  // namespace reload::wire
