#include "wire/ping.hpp"

namespace reload::wire {

void decode(Reader& r, PingReq& p, const CodecContext&) {
  p.padding = r.opaque(2, "PingReq.padding");
}

void encode(Writer& w, const PingReq& p) { w.opaque(2, p.padding, "PingReq.padding"); }

void decode(Reader& r, PingAns& p, const CodecContext&) {
  p.response_id = r.u64("PingAns.response_id");
  p.time = r.u64("PingAns.time");
}

void encode(Writer& w, const PingAns& p) {
  w.u64(p.response_id);
  w.u64(p.time);
}

}  // namespace reload::wire
