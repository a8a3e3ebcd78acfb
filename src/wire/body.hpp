// A message body decoded according to its message code (RFC 6940 section 6.3.3: the code
// says which structure message_body holds). The topology plugin is CHORD-RELOAD, so Update
// and RouteQuery answers decode as their Chord structures (sections 10.7 and 10.8).
#pragma once

#include <cstdint>
#include <variant>

#include <boost/system/result.hpp>

#include "wire/attach.hpp"
#include "wire/config_update.hpp"
#include "wire/error_response.hpp"
#include "wire/fetch.hpp"
#include "wire/find.hpp"
#include "wire/ping.hpp"
#include "wire/probe.hpp"
#include "wire/store.hpp"
#include "wire/topology.hpp"

namespace reload::wire {

// The bodies of exp_a and exp_b, which have no structure of their own.
struct OpaqueBody {
  Bytes bytes;
};
void decode(Reader& r, OpaqueBody& b, const CodecContext& ctx);
void encode(Writer& w, const OpaqueBody& b);
RELOAD_WIRE_DESCRIBE(OpaqueBody, (bytes))

// Attach requests and answers share AttachReqAns; the message code tells them apart.
using Body = std::variant<ProbeReq, ProbeAns, AttachReqAns, StoreReq, StoreAns, FetchReq,
                          FetchAns, FindReq, FindAns, JoinReq, JoinAns, LeaveReq, LeaveAns,
                          ChordUpdate, UpdateAns, RouteQueryReq, ChordRouteQueryAns, PingReq,
                          PingAns, StatReq, StatAns, AppAttachReq, AppAttachAns, ConfigUpdateReq,
                          ConfigUpdateAns, ErrorResponse, OpaqueBody>;

// Decodes `body` as the structure `message_code` names; it must fill `body` exactly. An
// unassigned code is codec_errc::unknown_type. Offsets in `detail` count from the body's
// first byte; add the body's position to get offsets in the message.
boost::system::result<Body> decode_body(std::uint16_t message_code, Bytes body,
                                        const CodecContext& ctx, DecodeError* detail = nullptr);

boost::system::result<Buffer> encode_body(const Body& body);

}  // namespace reload::wire
