#include "wire/store.hpp"

#include <algorithm>

namespace reload::wire {

void decode(Reader& r, StoreKindData& d, const CodecContext& ctx) {
  d.kind = r.u32("StoreKindData.kind");
  d.generation_counter = r.u64("StoreKindData.generation_counter");
  Reader values = r.sub(4, "StoreKindData.values");
  d.values.clear();
  d.values.reserve(values.count_length_prefixed(4));  // every StoredData starts with its length
  std::optional<DataModel> model = ctx.model_of(d.kind);
  while (values.more()) {
    StoredData& v = d.values.emplace_back();
    if (model)
      decode(values, v, *model, ctx);
    else
      decode(values, v, ctx);
    if (!values.ok()) d.values.pop_back();
  }
}

void encode(Writer& w, const StoreKindData& d) {
  w.u32(d.kind);
  w.u64(d.generation_counter);
  auto len = w.length_prefix(4, "StoreKindData.values");
  for (const auto& v : d.values) encode(w, v);
}

void decode(Reader& r, StoreReq& req, const CodecContext& ctx) {
  req.resource = r.resource_id("StoreReq.resource");
  req.replica_number = r.u8("StoreReq.replica_number");
  Reader kinds = r.sub(4, "StoreReq.kind_data");
  req.kind_data.clear();
  while (kinds.more()) {
    StoreKindData d;
    decode(kinds, d, ctx);
    if (kinds.ok()) req.kind_data.push_back(std::move(d));
  }
}

void encode(Writer& w, const StoreReq& req) {
  w.resource_id(req.resource);
  w.u8(req.replica_number);
  auto len = w.length_prefix(4, "StoreReq.kind_data");
  for (const auto& d : req.kind_data) encode(w, d);
}

void decode(Reader& r, StoreKindResponse& k, const CodecContext& ctx) {
  k.kind = r.u32("StoreKindResponse.kind");
  k.generation_counter = r.u64("StoreKindResponse.generation_counter");
  Reader replicas = r.sub(2, "StoreKindResponse.replicas");
  k.replicas.clear();
  while (replicas.more()) {
    NodeId id = replicas.node_id(ctx.node_id_length, "StoreKindResponse.replicas");
    if (replicas.ok()) k.replicas.push_back(id);
  }
}

void encode(Writer& w, const StoreKindResponse& k) {
  w.u32(k.kind);
  w.u64(k.generation_counter);
  auto len = w.length_prefix(2, "StoreKindResponse.replicas");
  for (const auto& id : k.replicas) w.node_id(id);
}

void decode(Reader& r, StoreAns& ans, const CodecContext& ctx) {
  Reader responses = r.sub(2, "StoreAns.kind_responses");
  ans.kind_responses.clear();
  while (responses.more()) {
    StoreKindResponse k;
    decode(responses, k, ctx);
    if (responses.ok()) ans.kind_responses.push_back(std::move(k));
  }
}

void encode(Writer& w, const StoreAns& ans) {
  auto len = w.length_prefix(2, "StoreAns.kind_responses");
  for (const auto& k : ans.kind_responses) encode(w, k);
}

bool has_duplicate_kinds(const StoreReq& req) {
  // Sorted, not pairwise: a large hostile request must not cost quadratic time.
  std::vector<KindId> kinds;
  kinds.reserve(req.kind_data.size());
  for (const auto& d : req.kind_data) kinds.push_back(d.kind);
  std::sort(kinds.begin(), kinds.end());
  return std::adjacent_find(kinds.begin(), kinds.end()) != kinds.end();
}

}  // namespace reload::wire
