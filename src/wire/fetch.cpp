#include "wire/fetch.hpp"

#include <algorithm>

namespace reload::wire {

void decode(Reader& r, ArrayRange& a, const CodecContext&) {
  a.first = r.u32("ArrayRange.first");
  a.last = r.u32("ArrayRange.last");
}

void encode(Writer& w, const ArrayRange& a) {
  w.u32(a.first);
  w.u32(a.last);
}

namespace {

void decode_model_specifier(Reader& spec, ModelSpecifier& out, DataModel model,
                            const CodecContext& ctx) {
  switch (model) {
    case DataModel::single_value:
      out = SingleValueSpecifier{};
      return;
    case DataModel::array: {
      ArraySpecifier a;
      Reader list = spec.sub(2, "StoredDataSpecifier.indices");
      while (list.more()) {
        ArrayRange range;
        decode(list, range, ctx);
        if (list.ok()) a.indices.push_back(range);
      }
      out = std::move(a);
      return;
    }
    case DataModel::dictionary: {
      DictionarySpecifier d;
      Reader list = spec.sub(2, "StoredDataSpecifier.keys");
      while (list.more()) {
        Bytes key = list.opaque(2, "StoredDataSpecifier.keys");
        if (list.ok()) d.keys.push_back(key);
      }
      out = std::move(d);
      return;
    }
  }
  spec.fail(codec_errc::unknown_data_model, "StoredDataSpecifier.model_specifier");
}

struct ModelSpecifierEncoder {
  Writer& w;
  void operator()(const SingleValueSpecifier&) const {}
  void operator()(const ArraySpecifier& a) const {
    auto len = w.length_prefix(2, "StoredDataSpecifier.indices");
    for (const auto& range : a.indices) encode(w, range);
  }
  void operator()(const DictionarySpecifier& d) const {
    auto len = w.length_prefix(2, "StoredDataSpecifier.keys");
    for (const auto& key : d.keys) w.opaque(2, key, "StoredDataSpecifier.keys");
  }
  void operator()(const RawValue& raw) const { encode(w, raw); }
};

// FetchReq and StatReq share one layout.
template <class Request>
void decode_request(Reader& r, Request& req, const CodecContext& ctx, const char* resource_field,
                    const char* specifiers_field) {
  req.resource = r.resource_id(resource_field);
  Reader specifiers = r.sub(2, specifiers_field);
  req.specifiers.clear();
  while (specifiers.more()) {
    StoredDataSpecifier s;
    decode(specifiers, s, ctx);
    if (specifiers.ok()) req.specifiers.push_back(std::move(s));
  }
}

template <class Request>
void encode_request(Writer& w, const Request& req, const char* specifiers_field) {
  w.resource_id(req.resource);
  auto len = w.length_prefix(2, specifiers_field);
  for (const auto& s : req.specifiers) encode(w, s);
}

}  // namespace

void decode(Reader& r, StoredDataSpecifier& s, const CodecContext& ctx) {
  s.kind = r.u32("StoredDataSpecifier.kind");
  s.generation = r.u64("StoredDataSpecifier.generation");
  Reader spec = r.sub(2, "StoredDataSpecifier.length");
  if (!r.ok()) return;
  if (std::optional<DataModel> model = ctx.model_of(s.kind)) {
    decode_model_specifier(spec, s.model_specifier, *model, ctx);
    spec.expect_end("StoredDataSpecifier.length");
  } else {
    s.model_specifier = RawValue{spec.rest()};
  }
}

void encode(Writer& w, const StoredDataSpecifier& s) {
  w.u32(s.kind);
  w.u64(s.generation);
  auto len = w.length_prefix(2, "StoredDataSpecifier.length");
  std::visit(ModelSpecifierEncoder{w}, s.model_specifier);
}

void decode(Reader& r, FetchReq& req, const CodecContext& ctx) {
  decode_request(r, req, ctx, "FetchReq.resource", "FetchReq.specifiers");
}

void encode(Writer& w, const FetchReq& req) { encode_request(w, req, "FetchReq.specifiers"); }

void decode(Reader& r, StatReq& req, const CodecContext& ctx) {
  decode_request(r, req, ctx, "StatReq.resource", "StatReq.specifiers");
}

void encode(Writer& w, const StatReq& req) { encode_request(w, req, "StatReq.specifiers"); }

void decode(Reader& r, FetchKindResponse& k, const CodecContext& ctx) {
  k.kind = r.u32("FetchKindResponse.kind");
  k.generation = r.u64("FetchKindResponse.generation");
  Reader values = r.sub(4, "FetchKindResponse.values");
  k.values.clear();
  std::optional<DataModel> model = ctx.model_of(k.kind);
  while (values.more()) {
    StoredData v;
    if (model)
      decode(values, v, *model, ctx);
    else
      decode(values, v, ctx);
    if (values.ok()) k.values.push_back(std::move(v));
  }
}

void encode(Writer& w, const FetchKindResponse& k) {
  w.u32(k.kind);
  w.u64(k.generation);
  auto len = w.length_prefix(4, "FetchKindResponse.values");
  for (const auto& v : k.values) encode(w, v);
}

void decode(Reader& r, FetchAns& ans, const CodecContext& ctx) {
  Reader responses = r.sub(4, "FetchAns.kind_responses");
  ans.kind_responses.clear();
  while (responses.more()) {
    FetchKindResponse k;
    decode(responses, k, ctx);
    if (responses.ok()) ans.kind_responses.push_back(std::move(k));
  }
}

void encode(Writer& w, const FetchAns& ans) {
  auto len = w.length_prefix(4, "FetchAns.kind_responses");
  for (const auto& k : ans.kind_responses) encode(w, k);
}

void decode(Reader& r, StatKindResponse& k, const CodecContext& ctx) {
  k.kind = r.u32("StatKindResponse.kind");
  k.generation = r.u64("StatKindResponse.generation");
  Reader values = r.sub(4, "StatKindResponse.values");
  k.values.clear();
  std::optional<DataModel> model = ctx.model_of(k.kind);
  while (values.more()) {
    StoredMetaData m;
    if (model)
      decode(values, m, *model, ctx);
    else
      decode(values, m, ctx);
    if (values.ok()) k.values.push_back(std::move(m));
  }
}

void encode(Writer& w, const StatKindResponse& k) {
  w.u32(k.kind);
  w.u64(k.generation);
  auto len = w.length_prefix(4, "StatKindResponse.values");
  for (const auto& m : k.values) encode(w, m);
}

void decode(Reader& r, StatAns& ans, const CodecContext& ctx) {
  Reader responses = r.sub(4, "StatAns.kind_responses");
  ans.kind_responses.clear();
  while (responses.more()) {
    StatKindResponse k;
    decode(responses, k, ctx);
    if (responses.ok()) ans.kind_responses.push_back(std::move(k));
  }
}

void encode(Writer& w, const StatAns& ans) {
  auto len = w.length_prefix(4, "StatAns.kind_responses");
  for (const auto& k : ans.kind_responses) encode(w, k);
}

bool ranges_valid(std::span<const ArrayRange> ranges) {
  std::vector<ArrayRange> sorted(ranges.begin(), ranges.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const ArrayRange& a, const ArrayRange& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (sorted[i].first > sorted[i].last) return false;
    if (i > 0 && sorted[i].first <= sorted[i - 1].last) return false;
  }
  return true;
}

}  // namespace reload::wire
