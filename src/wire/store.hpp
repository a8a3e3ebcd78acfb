// The Store method's bodies (RFC 6940 sections 7.4.1.1 and 7.4.1.2).
//
//   StoreReq          = ResourceId resource | replica_number(1) | StoreKindData kind_data<0..2^32-1>
//   StoreKindData     = kind(4) | generation_counter(8) | StoredData values<0..2^32-1>
//   StoreAns          = StoreKindResponse kind_responses<0..2^16-1>
//   StoreKindResponse = kind(4) | generation_counter(8) | NodeId replicas<0..2^16-1>
// Every vector prefix counts bytes (PITFALLS.md item 1). The values of a StoreKindData are
// decoded with the model of its kind (CodecContext::model_of); for an unknown kind they are
// kept raw (stored_data.hpp), so the storage layer can answer Error_Unknown_Kind.
#pragma once

#include <cstdint>
#include <vector>

#include "wire/codec_context.hpp"
#include "wire/describe.hpp"
#include "wire/node_id.hpp"
#include "wire/reader.hpp"
#include "wire/stored_data.hpp"
#include "wire/writer.hpp"

namespace reload::wire {

struct StoreKindData {
  KindId kind = 0;
  std::uint64_t generation_counter = 0;  // 0: store without checking the counter
  std::vector<StoredData> values;        // <0..2^32-1>
};

struct StoreReq {
  ResourceId resource;
  std::uint8_t replica_number = 0;  // 0 for an original store, 1, 2... for replicas
  std::vector<StoreKindData> kind_data;  // <0..2^32-1>
};

struct StoreKindResponse {
  KindId kind = 0;
  std::uint64_t generation_counter = 0;
  std::vector<NodeId> replicas;  // <0..2^16-1>, each ctx.node_id_length bytes
};

struct StoreAns {
  std::vector<StoreKindResponse> kind_responses;  // <0..2^16-1>
};

void decode(Reader& r, StoreKindData& d, const CodecContext& ctx);
void encode(Writer& w, const StoreKindData& d);
void decode(Reader& r, StoreReq& req, const CodecContext& ctx);
void encode(Writer& w, const StoreReq& req);
void decode(Reader& r, StoreKindResponse& k, const CodecContext& ctx);
void encode(Writer& w, const StoreKindResponse& k);
void decode(Reader& r, StoreAns& ans, const CodecContext& ctx);
void encode(Writer& w, const StoreAns& ans);

// The same Kind-ID MUST NOT appear twice in a StoreReq (section 7.4.1.1). The decoder accepts
// such a request so that the handler can answer it with an error response.
bool has_duplicate_kinds(const StoreReq& req);

RELOAD_WIRE_DESCRIBE(StoreKindData, (kind, generation_counter, values))
RELOAD_WIRE_DESCRIBE(StoreReq, (resource, replica_number, kind_data))
RELOAD_WIRE_DESCRIBE(StoreKindResponse, (kind, generation_counter, replicas))
RELOAD_WIRE_DESCRIBE(StoreAns, (kind_responses))

}  // namespace reload::wire
