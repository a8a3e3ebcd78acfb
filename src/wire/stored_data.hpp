// Stored data (RFC 6940 sections 7 to 7.2 and 7.4.3.2).
//
//   StoredData      = length(4) | storage_time(8) | lifetime(4) | StoredDataValue | Signature
//   StoredDataValue = DataValue | ArrayEntry | DictionaryEntry    (the Kind decides which)
//   DataValue       = exists(1) | value<0..2^32-1>
//   ArrayEntry      = index(4) | DataValue
//   DictionaryEntry = key<0..2^16-1> | DataValue
//   StoredMetaData  = length(4) | storage_time(8) | lifetime(4) | MetaDataValue
//   MetaData        = exists(1) | value_length(4) | hash_algorithm(1) | hash_value<0..255>
// StoredData's length excludes itself (PITFALLS.md item 11) and must equal the bytes that follow.
//
// Nothing on the wire says which data model a value has, so decoders take the model. When it
// is unknown, a StoredData still decodes, because its length bounds it: storage_time and
// lifetime are read and everything after them (value and signature, whose boundary needs the
// model) is kept as a RawValue and re-encodes byte for byte. That lets a Store for an unknown
// Kind reach the storage layer, which answers Error_Unknown_Kind.
//
// StoredMetaData's first field (value_length in the RFC's struct) is read as the byte length
// of the rest of the structure, exactly like StoredData.length: section 7.4.3.2 says its
// fields "are the same as the corresponding fields in StoredData", and Wireshark's dissector
// and java-reload both read it so. It makes StoredMetaData skippable, so an unknown model
// keeps it raw too.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>

#include <boost/system/result.hpp>

#include "wire/bytes.hpp"
#include "wire/codec_context.hpp"
#include "wire/describe.hpp"
#include "wire/node_id.hpp"
#include "wire/reader.hpp"
#include "wire/security_block.hpp"
#include "wire/writer.hpp"

namespace reload::wire {

// Storing at this index appends; in an ArrayRange it means "the last element".
inline constexpr std::uint32_t array_last_index = 0xffffffff;

// Bytes whose structure depends on a data model this node does not know.
struct RawValue {
  Bytes bytes;
};

struct DataValue {
  bool exists = false;
  Bytes value;  // <0..2^32-1>
};

struct ArrayEntry {
  std::uint32_t index = 0;
  DataValue value;
};

struct DictionaryEntry {
  Bytes key;  // DictionaryKey<0..2^16-1>
  DataValue value;
};

// The alternatives follow DataModel: single_value, array, dictionary; RawValue when unknown.
using StoredDataValue = std::variant<DataValue, ArrayEntry, DictionaryEntry, RawValue>;

// The DataValue inside any of the three models; nullptr for a RawValue, whose structure this
// node does not know.
const DataValue* data_value_of(const StoredDataValue& v) noexcept;

struct StoredData {
  std::uint64_t storage_time = 0;  // ms since 1970 (POSIX time, no leap seconds)
  std::uint32_t lifetime = 0;      // seconds
  StoredDataValue value;
  Signature signature;  // left empty when value is a RawValue: its bytes hold the signature
};

struct MetaData {
  bool exists = false;
  std::uint32_t value_length = 0;
  HashAlgorithm hash_algorithm = HashAlgorithm::none;
  Bytes hash_value;  // <0..255>
};

struct ArrayEntryMeta {
  std::uint32_t index = 0;
  MetaData value;
};

struct DictionaryEntryMeta {
  Bytes key;  // DictionaryKey<0..2^16-1>
  MetaData value;
};

using MetaDataValue = std::variant<MetaData, ArrayEntryMeta, DictionaryEntryMeta, RawValue>;

struct StoredMetaData {
  // length(4) is computed by the encoder and checked by the decoder, as for StoredData.
  std::uint64_t storage_time = 0;
  std::uint32_t lifetime = 0;
  MetaDataValue metadata;
};

void decode(Reader& r, DataValue& v, const CodecContext& ctx);
void encode(Writer& w, const DataValue& v);
void decode(Reader& r, ArrayEntry& e, const CodecContext& ctx);
void encode(Writer& w, const ArrayEntry& e);
void decode(Reader& r, DictionaryEntry& e, const CodecContext& ctx);
void encode(Writer& w, const DictionaryEntry& e);
// A RawValue takes every byte left in `r`.
void decode(Reader& r, RawValue& v, const CodecContext& ctx);
void encode(Writer& w, const RawValue& v);

void decode(Reader& r, StoredDataValue& v, DataModel model, const CodecContext& ctx);
void encode(Writer& w, const StoredDataValue& v);

void decode(Reader& r, StoredData& d, DataModel model, const CodecContext& ctx);
// Without a model: storage_time and lifetime, then the rest as a RawValue.
void decode(Reader& r, StoredData& d, const CodecContext& ctx);
void encode(Writer& w, const StoredData& d);

// A whole StoredData of a known model, e.g. one the storage layer kept as encoded bytes.
boost::system::result<StoredData> decode_stored_data(Bytes b, DataModel model,
                                                     const CodecContext& ctx,
                                                     DecodeError* detail = nullptr);

void decode(Reader& r, MetaData& m, const CodecContext& ctx);
void encode(Writer& w, const MetaData& m);
void decode(Reader& r, ArrayEntryMeta& e, const CodecContext& ctx);
void encode(Writer& w, const ArrayEntryMeta& e);
void decode(Reader& r, DictionaryEntryMeta& e, const CodecContext& ctx);
void encode(Writer& w, const DictionaryEntryMeta& e);
void decode(Reader& r, MetaDataValue& v, DataModel model, const CodecContext& ctx);
void encode(Writer& w, const MetaDataValue& v);
void decode(Reader& r, StoredMetaData& m, DataModel model, const CodecContext& ctx);
// Without a model: storage_time and lifetime, then the rest as a RawValue.
void decode(Reader& r, StoredMetaData& m, const CodecContext& ctx);
void encode(Writer& w, const StoredMetaData& m);

// The model a value was decoded as; nullopt for a RawValue.
std::optional<DataModel> model_of(const StoredDataValue& v) noexcept;
bool is_raw(const StoredData& d) noexcept;

// Appends the input of a stored-data signature (RFC 6940 section 7.1):
//   resource_id || kind || storage_time || StoredDataValue || SignerIdentity
// each in its wire encoding, an ArrayEntry's index written as 0 (section 7.4.2.2: an append
// at 0xffffffff is stored under another index, which must not break the signature).
// The Resource-ID is written WITH its length byte. The RFC only says "the Resource-ID where
// this data is stored"; every other part of the concatenation is a wire encoding (the
// StoredDataValue and SignerIdentity keep their own length fields), ResourceId is a type
// `opaque ResourceId<0..2^8-1>` whose encoding includes the length, and the one public
// implementation that computes this input (java-reload) writes the length byte too.
// Returns false, appending nothing, for a RawValue (nothing can be signed without the model)
// or a value too long for its length field.
bool append_stored_data_signature_input(Buffer& out, const ResourceId& resource, KindId kind,
                                        std::uint64_t storage_time,
                                        const StoredDataValue& value,
                                        const SignerIdentity& signer);

// A value Fetch makes up for data that does not exist: identity "none" or algorithm {0,0}
// (section 7.4.2.2). A Store carrying one must be refused with Error_Forbidden (PITFALLS 9).
bool is_synthesized(const Signature& s) noexcept;

RELOAD_WIRE_DESCRIBE(RawValue, (bytes))
RELOAD_WIRE_DESCRIBE(DataValue, (exists, value))
RELOAD_WIRE_DESCRIBE(ArrayEntry, (index, value))
RELOAD_WIRE_DESCRIBE(DictionaryEntry, (key, value))
RELOAD_WIRE_DESCRIBE(StoredData, (storage_time, lifetime, value, signature))
RELOAD_WIRE_DESCRIBE(MetaData, (exists, value_length, hash_algorithm, hash_value))
RELOAD_WIRE_DESCRIBE(ArrayEntryMeta, (index, value))
RELOAD_WIRE_DESCRIBE(DictionaryEntryMeta, (key, value))
RELOAD_WIRE_DESCRIBE(StoredMetaData, (storage_time, lifetime, metadata))

}  // namespace reload::wire
