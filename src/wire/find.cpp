#include "wire/find.hpp"

#include <algorithm>

namespace reload::wire {

void decode(Reader& r, FindReq& req, const CodecContext&) {
  req.resource = r.resource_id("FindReq.resource");
  Reader kinds = r.sub(1, "FindReq.kinds");
  req.kinds.clear();
  while (kinds.more()) {
    KindId k = kinds.u32("FindReq.kinds");
    if (kinds.ok()) req.kinds.push_back(k);
  }
}

void encode(Writer& w, const FindReq& req) {
  w.resource_id(req.resource);
  auto len = w.length_prefix(1, "FindReq.kinds");
  for (KindId k : req.kinds) w.u32(k);
}

void decode(Reader& r, FindKindData& d, const CodecContext&) {
  d.kind = r.u32("FindKindData.kind");
  d.closest = r.resource_id("FindKindData.closest");
}

void encode(Writer& w, const FindKindData& d) {
  w.u32(d.kind);
  w.resource_id(d.closest);
}

void decode(Reader& r, FindAns& ans, const CodecContext& ctx) {
  Reader results = r.sub(2, "FindAns.results");
  ans.results.clear();
  while (results.more()) {
    FindKindData d;
    decode(results, d, ctx);
    if (results.ok()) ans.results.push_back(std::move(d));
  }
}

void encode(Writer& w, const FindAns& ans) {
  auto len = w.length_prefix(2, "FindAns.results");
  for (const auto& d : ans.results) encode(w, d);
}

bool has_duplicate_kinds(const FindReq& req) {
  std::vector<KindId> kinds = req.kinds;
  std::sort(kinds.begin(), kinds.end());
  return std::adjacent_find(kinds.begin(), kinds.end()) != kinds.end();
}

}  // namespace reload::wire
