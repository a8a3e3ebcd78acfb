// The Fetch and Stat methods' bodies (RFC 6940 sections 7.4.2 and 7.4.3).
//
//   FetchReq / StatReq  = ResourceId resource | StoredDataSpecifier specifiers<0..2^16-1>
//   StoredDataSpecifier = kind(4) | generation(8) | length(2) | model_specifier[length]
//     model_specifier: single value: empty | array: ArrayRange indices<0..2^16-1>
//                      | dictionary: DictionaryKey keys<0..2^16-1>
//   ArrayRange          = first(4) | last(4)
//   FetchAns            = FetchKindResponse kind_responses<0..2^32-1>
//   FetchKindResponse   = kind(4) | generation(8) | StoredData values<0..2^32-1>
//   StatAns             = StatKindResponse kind_responses<0..2^32-1>
//   StatKindResponse    = kind(4) | generation(8) | StoredMetaData values<0..2^32-1>
//
// The model comes from the kind (CodecContext::model_of). A specifier's length bounds its
// model_specifier, so for an unknown kind it is kept as a RawValue (the handler answers
// Error_Unknown_Kind); so are a FetchKindResponse's values (each StoredData has a length) and
// a StatKindResponse's (each StoredMetaData too: stored_data.hpp says why).
#pragma once

#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "wire/bytes.hpp"
#include "wire/codec_context.hpp"
#include "wire/describe.hpp"
#include "wire/node_id.hpp"
#include "wire/reader.hpp"
#include "wire/stored_data.hpp"
#include "wire/writer.hpp"

namespace reload::wire {

// int32 in the RFC's struct, but 0xffffffff (array_last_index) means "the last element", so
// both are unsigned here.
struct ArrayRange {
  std::uint32_t first = 0;
  std::uint32_t last = array_last_index;
  friend bool operator==(const ArrayRange&, const ArrayRange&) = default;
};

struct SingleValueSpecifier {};  // a single value needs no selection

struct ArraySpecifier {
  std::vector<ArrayRange> indices;  // <0..2^16-1>
};

struct DictionarySpecifier {
  std::vector<Bytes> keys;  // DictionaryKey keys<0..2^16-1>; none: every entry (wildcard)
};

using ModelSpecifier =
    std::variant<SingleValueSpecifier, ArraySpecifier, DictionarySpecifier, RawValue>;

struct StoredDataSpecifier {
  KindId kind = 0;
  std::uint64_t generation = 0;  // equal to the stored counter: the answer carries no values
  ModelSpecifier model_specifier;  // behind length(2), which the encoder computes
};

struct FetchReq {
  ResourceId resource;
  std::vector<StoredDataSpecifier> specifiers;  // <0..2^16-1>
};

// The same layout as FetchReq; a type of its own so that a body decoder can tell them apart.
struct StatReq {
  ResourceId resource;
  std::vector<StoredDataSpecifier> specifiers;  // <0..2^16-1>
};

struct FetchKindResponse {
  KindId kind = 0;
  std::uint64_t generation = 0;
  std::vector<StoredData> values;  // <0..2^32-1>
};

struct FetchAns {
  std::vector<FetchKindResponse> kind_responses;  // <0..2^32-1>
};

struct StatKindResponse {
  KindId kind = 0;
  std::uint64_t generation = 0;
  std::vector<StoredMetaData> values;  // <0..2^32-1>
};

struct StatAns {
  std::vector<StatKindResponse> kind_responses;  // <0..2^32-1>
};

void decode(Reader& r, ArrayRange& a, const CodecContext& ctx);
void encode(Writer& w, const ArrayRange& a);
void decode(Reader& r, StoredDataSpecifier& s, const CodecContext& ctx);
void encode(Writer& w, const StoredDataSpecifier& s);
void decode(Reader& r, FetchReq& req, const CodecContext& ctx);
void encode(Writer& w, const FetchReq& req);
void decode(Reader& r, StatReq& req, const CodecContext& ctx);
void encode(Writer& w, const StatReq& req);
void decode(Reader& r, FetchKindResponse& k, const CodecContext& ctx);
void encode(Writer& w, const FetchKindResponse& k);
void decode(Reader& r, FetchAns& ans, const CodecContext& ctx);
void encode(Writer& w, const FetchAns& ans);
void decode(Reader& r, StatKindResponse& k, const CodecContext& ctx);
void encode(Writer& w, const StatKindResponse& k);
void decode(Reader& r, StatAns& ans, const CodecContext& ctx);
void encode(Writer& w, const StatAns& ans);

// Section 7.4.2.1: each range has first <= last and no two ranges overlap. The decoder does
// not enforce it, so the handler can answer such a request with an error response.
bool ranges_valid(std::span<const ArrayRange> ranges);

RELOAD_WIRE_DESCRIBE(ArrayRange, (first, last))
RELOAD_WIRE_DESCRIBE(SingleValueSpecifier, ())
RELOAD_WIRE_DESCRIBE(ArraySpecifier, (indices))
RELOAD_WIRE_DESCRIBE(DictionarySpecifier, (keys))
RELOAD_WIRE_DESCRIBE(StoredDataSpecifier, (kind, generation, model_specifier))
RELOAD_WIRE_DESCRIBE(FetchReq, (resource, specifiers))
RELOAD_WIRE_DESCRIBE(StatReq, (resource, specifiers))
RELOAD_WIRE_DESCRIBE(FetchKindResponse, (kind, generation, values))
RELOAD_WIRE_DESCRIBE(FetchAns, (kind_responses))
RELOAD_WIRE_DESCRIBE(StatKindResponse, (kind, generation, values))
RELOAD_WIRE_DESCRIBE(StatAns, (kind_responses))

}  // namespace reload::wire
