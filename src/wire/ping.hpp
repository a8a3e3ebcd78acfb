// The Ping bodies (RFC 6940 section 6.5.3).
//
//   PingReq = padding<0..2^16-1>          (up to 65535 bytes, to probe path MTUs)
//   PingAns = response_id(8) | time(8)    (time in ms since 1970, as storage_time)
#pragma once

#include <cstdint>

#include "wire/bytes.hpp"
#include "wire/codec_context.hpp"
#include "wire/describe.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

namespace reload::wire {

struct PingReq {
  Bytes padding;  // <0..2^16-1>, contents meaningless
};

struct PingAns {
  std::uint64_t response_id = 0;  // random, to tell responses apart
  std::uint64_t time = 0;
};

void decode(Reader& r, PingReq& p, const CodecContext& ctx);
void encode(Writer& w, const PingReq& p);
void decode(Reader& r, PingAns& p, const CodecContext& ctx);
void encode(Writer& w, const PingAns& p);

RELOAD_WIRE_DESCRIBE(PingReq, (padding))
RELOAD_WIRE_DESCRIBE(PingAns, (response_id, time))

}  // namespace reload::wire
