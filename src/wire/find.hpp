// The Find method's bodies (RFC 6940 section 7.4.4).
//
//   FindReq      = ResourceId resource | KindId kinds<0..2^8-1>
//   FindAns      = FindKindData results<0..2^16-1>
//   FindKindData = kind(4) | ResourceId closest
// The kinds prefix counts bytes, so a FindReq names at most 63 kinds.
#pragma once

#include <cstdint>
#include <vector>

#include "wire/codec_context.hpp"
#include "wire/describe.hpp"
#include "wire/node_id.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

namespace reload::wire {

struct FindReq {
  ResourceId resource;
  std::vector<KindId> kinds;  // <0..2^8-1>
};

struct FindKindData {
  KindId kind = 0;
  // "0" when none is known or the kind is unknown. The RFC does not say whether that is an
  // empty or an all-zero Resource-ID; the codec carries either, the storage layer chooses.
  ResourceId closest;
};

struct FindAns {
  std::vector<FindKindData> results;  // <0..2^16-1>
};

void decode(Reader& r, FindReq& req, const CodecContext& ctx);
void encode(Writer& w, const FindReq& req);
void decode(Reader& r, FindKindData& d, const CodecContext& ctx);
void encode(Writer& w, const FindKindData& d);
void decode(Reader& r, FindAns& ans, const CodecContext& ctx);
void encode(Writer& w, const FindAns& ans);

// Each Kind-ID MUST appear only once in a FindReq, or the request is rejected with an error
// (section 7.4.4.1); the decoder accepts it so the handler can answer.
bool has_duplicate_kinds(const FindReq& req);

RELOAD_WIRE_DESCRIBE(FindReq, (resource, kinds))
RELOAD_WIRE_DESCRIBE(FindKindData, (kind, closest))
RELOAD_WIRE_DESCRIBE(FindAns, (results))

}  // namespace reload::wire
