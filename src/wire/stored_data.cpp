#include "wire/stored_data.hpp"

namespace reload::wire {

void decode(Reader& r, DataValue& v, const CodecContext&) {
  v.exists = r.boolean("DataValue.exists");
  v.value = r.opaque(4, "DataValue.value");
}

void encode(Writer& w, const DataValue& v) {
  w.boolean(v.exists);
  w.opaque(4, v.value, "DataValue.value");
}

void decode(Reader& r, ArrayEntry& e, const CodecContext& ctx) {
  e.index = r.u32("ArrayEntry.index");
  decode(r, e.value, ctx);
}

void encode(Writer& w, const ArrayEntry& e) {
  w.u32(e.index);
  encode(w, e.value);
}

void decode(Reader& r, DictionaryEntry& e, const CodecContext& ctx) {
  e.key = r.opaque(2, "DictionaryEntry.key");
  decode(r, e.value, ctx);
}

void encode(Writer& w, const DictionaryEntry& e) {
  w.opaque(2, e.key, "DictionaryEntry.key");
  encode(w, e.value);
}

void decode(Reader& r, RawValue& v, const CodecContext&) { v.bytes = r.rest(); }

void encode(Writer& w, const RawValue& v) { w.raw(v.bytes); }

namespace {

// Decodes the alternative the model names into `out`.
template <class Single, class Array, class Dictionary, class Variant>
void decode_by_model(Reader& r, Variant& out, DataModel model, const CodecContext& ctx,
                     const char* field) {
  switch (model) {
    case DataModel::single_value: {
      decode(r, out.template emplace<Single>(), ctx);
      return;
    }
    case DataModel::array: {
      decode(r, out.template emplace<Array>(), ctx);
      return;
    }
    case DataModel::dictionary: {
      decode(r, out.template emplace<Dictionary>(), ctx);
      return;
    }
  }
  r.fail(codec_errc::unknown_data_model, field);
}

}  // namespace

void decode(Reader& r, StoredDataValue& v, DataModel model, const CodecContext& ctx) {
  decode_by_model<DataValue, ArrayEntry, DictionaryEntry>(r, v, model, ctx, "StoredDataValue");
}

void encode(Writer& w, const StoredDataValue& v) {
  std::visit([&w](const auto& alt) { encode(w, alt); }, v);
}

void decode(Reader& r, StoredData& d, DataModel model, const CodecContext& ctx) {
  Reader body = r.sub(4, "StoredData.length");
  d.storage_time = body.u64("StoredData.storage_time");
  d.lifetime = body.u32("StoredData.lifetime");
  decode(body, d.value, model, ctx);
  decode(body, d.signature, ctx);
  body.expect_end("StoredData.length");
}

void decode(Reader& r, StoredData& d, const CodecContext&) {
  Reader body = r.sub(4, "StoredData.length");
  d = StoredData{};
  d.storage_time = body.u64("StoredData.storage_time");
  d.lifetime = body.u32("StoredData.lifetime");
  d.value = RawValue{body.rest()};
}

void encode(Writer& w, const StoredData& d) {
  auto len = w.length_prefix(4, "StoredData.length");
  w.u64(d.storage_time);
  w.u32(d.lifetime);
  encode(w, d.value);
  // A RawValue already holds the signature's bytes.
  if (!std::holds_alternative<RawValue>(d.value)) encode(w, d.signature);
}

boost::system::result<StoredData> decode_stored_data(Bytes b, DataModel model,
                                                     const CodecContext& ctx,
                                                     DecodeError* detail) {
  Reader r(b);
  StoredData d;
  decode(r, d, model, ctx);
  r.expect_end("end of structure");
  if (!r.ok()) {
    if (detail) *detail = r.error();
    return r.error().ec;
  }
  return d;
}

void decode(Reader& r, MetaData& m, const CodecContext&) {
  m.exists = r.boolean("MetaData.exists");
  m.value_length = r.u32("MetaData.value_length");
  m.hash_algorithm = static_cast<HashAlgorithm>(r.u8("MetaData.hash_algorithm"));
  m.hash_value = r.opaque(1, "MetaData.hash_value");
}

void encode(Writer& w, const MetaData& m) {
  w.boolean(m.exists);
  w.u32(m.value_length);
  w.u8(static_cast<std::uint8_t>(m.hash_algorithm));
  w.opaque(1, m.hash_value, "MetaData.hash_value");
}

void decode(Reader& r, ArrayEntryMeta& e, const CodecContext& ctx) {
  e.index = r.u32("ArrayEntryMeta.index");
  decode(r, e.value, ctx);
}

void encode(Writer& w, const ArrayEntryMeta& e) {
  w.u32(e.index);
  encode(w, e.value);
}

void decode(Reader& r, DictionaryEntryMeta& e, const CodecContext& ctx) {
  e.key = r.opaque(2, "DictionaryEntryMeta.key");
  decode(r, e.value, ctx);
}

void encode(Writer& w, const DictionaryEntryMeta& e) {
  w.opaque(2, e.key, "DictionaryEntryMeta.key");
  encode(w, e.value);
}

void decode(Reader& r, MetaDataValue& v, DataModel model, const CodecContext& ctx) {
  decode_by_model<MetaData, ArrayEntryMeta, DictionaryEntryMeta>(r, v, model, ctx,
                                                                 "MetaDataValue");
}

void encode(Writer& w, const MetaDataValue& v) {
  std::visit([&w](const auto& alt) { encode(w, alt); }, v);
}

void decode(Reader& r, StoredMetaData& m, DataModel model, const CodecContext& ctx) {
  Reader body = r.sub(4, "StoredMetaData.length");
  m.storage_time = body.u64("StoredMetaData.storage_time");
  m.lifetime = body.u32("StoredMetaData.lifetime");
  decode(body, m.metadata, model, ctx);
  body.expect_end("StoredMetaData.length");
}

void decode(Reader& r, StoredMetaData& m, const CodecContext&) {
  Reader body = r.sub(4, "StoredMetaData.length");
  m.storage_time = body.u64("StoredMetaData.storage_time");
  m.lifetime = body.u32("StoredMetaData.lifetime");
  m.metadata = RawValue{body.rest()};
}

void encode(Writer& w, const StoredMetaData& m) {
  auto len = w.length_prefix(4, "StoredMetaData.length");
  w.u64(m.storage_time);
  w.u32(m.lifetime);
  encode(w, m.metadata);
}

std::optional<DataModel> model_of(const StoredDataValue& v) noexcept {
  switch (v.index()) {
    case 0: return DataModel::single_value;
    case 1: return DataModel::array;
    case 2: return DataModel::dictionary;
    default: return std::nullopt;
  }
}

bool is_raw(const StoredData& d) noexcept { return std::holds_alternative<RawValue>(d.value); }

bool append_stored_data_signature_input(Buffer& out, const ResourceId& resource, KindId kind,
                                        std::uint64_t storage_time,
                                        const StoredDataValue& value,
                                        const SignerIdentity& signer) {
  if (std::holds_alternative<RawValue>(value)) return false;
  std::size_t start = out.size();
  Writer w(out);
  w.resource_id(resource);
  w.u32(kind);
  w.u64(storage_time);
  if (const auto* entry = std::get_if<ArrayEntry>(&value)) {
    ArrayEntry unindexed = *entry;
    unindexed.index = 0;
    encode(w, unindexed);
  } else {
    encode(w, value);
  }
  encode(w, signer);
  if (!w.ok()) {
    out.resize(start);
    return false;
  }
  return true;
}

const DataValue* data_value_of(const StoredDataValue& v) noexcept {
  if (const auto* d = std::get_if<DataValue>(&v)) return d;
  if (const auto* a = std::get_if<ArrayEntry>(&v)) return &a->value;
  if (const auto* e = std::get_if<DictionaryEntry>(&v)) return &e->value;
  return nullptr;
}

bool is_synthesized(const Signature& s) noexcept {
  return s.identity.identity_type == SignerIdentityType::none ||
         s.algorithm == SignatureAndHashAlgorithm{};
}

}  // namespace reload::wire
