#include "wire/body.hpp"

#include "wire/codec.hpp"
#include "wire/message_contents.hpp"

namespace reload::wire {

void decode(Reader& r, OpaqueBody& b, const CodecContext&) { b.bytes = r.rest(); }
void encode(Writer& w, const OpaqueBody& b) { w.raw(b.bytes); }

namespace {
template <class T>
boost::system::result<Body> as_body(Bytes body, const CodecContext& ctx, DecodeError* detail) {
  auto v = decode_exact<T>(body, ctx, detail);
  if (!v) return v.error();
  return Body{std::move(*v)};
}
}  // namespace

boost::system::result<Body> decode_body(std::uint16_t code, Bytes body, const CodecContext& ctx,
                                        DecodeError* detail) {
  switch (static_cast<MessageCode>(code)) {
    case MessageCode::probe_req: return as_body<ProbeReq>(body, ctx, detail);
    case MessageCode::probe_ans: return as_body<ProbeAns>(body, ctx, detail);
    case MessageCode::attach_req:
    case MessageCode::attach_ans: return as_body<AttachReqAns>(body, ctx, detail);
    case MessageCode::store_req: return as_body<StoreReq>(body, ctx, detail);
    case MessageCode::store_ans: return as_body<StoreAns>(body, ctx, detail);
    case MessageCode::fetch_req: return as_body<FetchReq>(body, ctx, detail);
    case MessageCode::fetch_ans: return as_body<FetchAns>(body, ctx, detail);
    case MessageCode::find_req: return as_body<FindReq>(body, ctx, detail);
    case MessageCode::find_ans: return as_body<FindAns>(body, ctx, detail);
    case MessageCode::join_req: return as_body<JoinReq>(body, ctx, detail);
    case MessageCode::join_ans: return as_body<JoinAns>(body, ctx, detail);
    case MessageCode::leave_req: return as_body<LeaveReq>(body, ctx, detail);
    case MessageCode::leave_ans: return as_body<LeaveAns>(body, ctx, detail);
    case MessageCode::update_req: return as_body<ChordUpdate>(body, ctx, detail);
    case MessageCode::update_ans: return as_body<UpdateAns>(body, ctx, detail);
    case MessageCode::route_query_req: return as_body<RouteQueryReq>(body, ctx, detail);
    case MessageCode::route_query_ans: return as_body<ChordRouteQueryAns>(body, ctx, detail);
    case MessageCode::ping_req: return as_body<PingReq>(body, ctx, detail);
    case MessageCode::ping_ans: return as_body<PingAns>(body, ctx, detail);
    case MessageCode::stat_req: return as_body<StatReq>(body, ctx, detail);
    case MessageCode::stat_ans: return as_body<StatAns>(body, ctx, detail);
    case MessageCode::app_attach_req: return as_body<AppAttachReq>(body, ctx, detail);
    case MessageCode::app_attach_ans: return as_body<AppAttachAns>(body, ctx, detail);
    case MessageCode::config_update_req: return as_body<ConfigUpdateReq>(body, ctx, detail);
    case MessageCode::config_update_ans: return as_body<ConfigUpdateAns>(body, ctx, detail);
    case MessageCode::error: return as_body<ErrorResponse>(body, ctx, detail);
    case MessageCode::exp_a_req:
    case MessageCode::exp_a_ans:
    case MessageCode::exp_b_req:
    case MessageCode::exp_b_ans: return as_body<OpaqueBody>(body, ctx, detail);
  }
  if (detail) *detail = DecodeError{make_error_code(codec_errc::unknown_type), 0, "message_code"};
  return make_error_code(codec_errc::unknown_type);
}

boost::system::result<Buffer> encode_body(const Body& body) {
  return std::visit([](const auto& b) { return encode_to_buffer(b); }, body);
}

}  // namespace reload::wire
