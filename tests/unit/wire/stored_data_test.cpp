#include "wire/stored_data.hpp"

#include <doctest/doctest.h>

#include "hex.hpp"
#include "wire/codec.hpp"

using namespace reload;
using namespace reload::wire;
using reload::test::concat;
using reload::test::hex;

namespace {
const CodecContext ctx{};

// Signature: algorithm {sha256, rsa}, identity cert_hash (length 6: hash_alg sha256,
// certificate_hash<0..2^8-1> of 4 bytes), signature_value<0..2^16-1> of 3 bytes: 16 bytes.
const Buffer signature = hex("04 01  01 0006 04 04 a1a2a3a4  0003 010203");
// A synthesized one: {0,0}, identity none with no value, empty signature_value.
const Buffer synthesized = hex("00 00  03 0000  0000");
const Buffer times = hex("0000018c2f5a3b00  00015180");  // storage_time, lifetime 86400

// StoredData.length = 8 + 4 + (1 + 4 + 3) + 16 = 36.
const Buffer single = concat({hex("00000024"), times, hex("01 00000003 616263"), signature});
// ArrayEntry at the append index: 8 + 4 + (4 + 8) + 16 = 40.
const Buffer array =
    concat({hex("00000028"), times, hex("ffffffff 01 00000003 666f6f"), signature});
// DictionaryEntry with key "k1": 8 + 4 + (4 + 8) + 16 = 40.
const Buffer dictionary =
    concat({hex("00000028"), times, hex("0002 6b31 01 00000003 626172"), signature});

StoredData decode_model(const Buffer& b, DataModel m) {
  return decode_stored_data(b, m, ctx).value();
}

void check_every_truncation_fails(const Buffer& full, DataModel m) {
  for (std::size_t n = 0; n < full.size(); ++n)
    CHECK_FALSE(decode_stored_data(Bytes(full.data(), n), m, ctx).has_value());
}
}  // namespace

TEST_CASE("a single value, field by field") {
  auto d = decode_model(single, DataModel::single_value);
  CHECK(d.storage_time == 0x0000018c2f5a3b00ull);
  CHECK(d.lifetime == 86400);
  const auto& v = std::get<DataValue>(d.value);
  CHECK(v.exists);
  CHECK(as_string_view(v.value) == "abc");
  CHECK(d.signature.algorithm.hash == HashAlgorithm::sha256);
  CHECK(d.signature.identity.identity_type == SignerIdentityType::cert_hash);
  CHECK(equal_bytes(d.signature.signature_value, hex("010203")));
  CHECK(model_of(d.value) == DataModel::single_value);
  CHECK_FALSE(is_raw(d));
  CHECK(encode_to_buffer(d).value() == single);
}

TEST_CASE("an array entry at the append index 0xffffffff") {
  auto d = decode_model(array, DataModel::array);
  const auto& e = std::get<ArrayEntry>(d.value);
  CHECK(e.index == array_last_index);
  CHECK(e.value.exists);
  CHECK(as_string_view(e.value.value) == "foo");
  CHECK(model_of(d.value) == DataModel::array);
  CHECK(encode_to_buffer(d).value() == array);
}

TEST_CASE("a dictionary entry") {
  auto d = decode_model(dictionary, DataModel::dictionary);
  const auto& e = std::get<DictionaryEntry>(d.value);
  CHECK(as_string_view(e.key) == "k1");
  CHECK(as_string_view(e.value.value) == "bar");
  CHECK(model_of(d.value) == DataModel::dictionary);
  CHECK(encode_to_buffer(d).value() == dictionary);
}

TEST_CASE("a nonexistent value with a synthesized signature") {
  // 8 + 4 + (4 + 1 + 4) + 7 = 28.
  auto bytes = concat({hex("0000001c"), times, hex("00000002 00 00000000"), synthesized});
  auto d = decode_model(bytes, DataModel::array);
  const auto& e = std::get<ArrayEntry>(d.value);
  CHECK(e.index == 2);
  CHECK_FALSE(e.value.exists);
  CHECK(e.value.value.empty());
  CHECK(is_synthesized(d.signature));
  CHECK(encode_to_buffer(d).value() == bytes);
}

TEST_CASE("is_synthesized: identity none or algorithm {0,0}") {
  auto real = decode_exact<Signature>(signature, ctx).value();
  CHECK_FALSE(is_synthesized(real));
  auto none_identity = real;
  none_identity.identity = SignerIdentity{};
  CHECK(is_synthesized(none_identity));
  auto anonymous = real;
  anonymous.algorithm = SignatureAndHashAlgorithm{};
  CHECK(is_synthesized(anonymous));
}

TEST_CASE("without a model, a StoredData is kept raw after its times and re-encodes") {
  auto d = decode_exact<StoredData>(single, ctx).value();
  CHECK(is_raw(d));
  CHECK_FALSE(model_of(d.value).has_value());
  CHECK(d.storage_time == 0x0000018c2f5a3b00ull);
  CHECK(d.lifetime == 86400);
  CHECK(equal_bytes(std::get<RawValue>(d.value).bytes,
                    concat({hex("01 00000003 616263"), signature})));
  CHECK(encode_to_buffer(d).value() == single);
}

TEST_CASE("metadata of each model") {
  // StoredMetaData: length (of the rest, like StoredData.length; stored_data.hpp says why),
  // storage_time, lifetime, then MetaDataValue; MetaData is
  // exists | value_length | hash_algorithm | hash_value<0..255>.
  const Buffer meta = hex("01 00000007 04 04 a1a2a3a4");
  SUBCASE("single value") {
    auto bytes = concat({hex("00000017"), times, meta});
    Reader r(bytes);
    StoredMetaData m;
    decode(r, m, DataModel::single_value, ctx);
    r.expect_end("end");
    REQUIRE(r.ok());
    CHECK(m.storage_time == 0x0000018c2f5a3b00ull);
    CHECK(m.lifetime == 86400);
    const auto& md = std::get<MetaData>(m.metadata);
    CHECK(md.exists);
    CHECK(md.value_length == 7);
    CHECK(md.hash_algorithm == HashAlgorithm::sha256);
    CHECK(equal_bytes(md.hash_value, hex("a1a2a3a4")));
    CHECK(encode_to_buffer(m).value() == bytes);
  }
  SUBCASE("array") {
    auto bytes = concat({hex("0000001b"), times, hex("00000009"), meta});
    Reader r(bytes);
    StoredMetaData m;
    decode(r, m, DataModel::array, ctx);
    REQUIRE(r.ok());
    CHECK(std::get<ArrayEntryMeta>(m.metadata).index == 9);
    CHECK(encode_to_buffer(m).value() == bytes);
  }
  SUBCASE("dictionary") {
    auto bytes = concat({hex("0000001b"), times, hex("0002 6b31"), meta});
    Reader r(bytes);
    StoredMetaData m;
    decode(r, m, DataModel::dictionary, ctx);
    REQUIRE(r.ok());
    CHECK(as_string_view(std::get<DictionaryEntryMeta>(m.metadata).key) == "k1");
    CHECK(encode_to_buffer(m).value() == bytes);
  }
  SUBCASE("without a model it is kept raw and re-encodes byte for byte") {
    auto bytes = concat({hex("0000001b"), times, hex("0002 6b31"), meta});
    auto m = decode_exact<StoredMetaData>(bytes, ctx).value();
    CHECK(m.lifetime == 86400);
    CHECK(equal_bytes(std::get<RawValue>(m.metadata).bytes, concat({hex("0002 6b31"), meta})));
    CHECK(encode_to_buffer(m).value() == bytes);
  }
  SUBCASE("a length that disagrees with the contents") {
    DecodeError err;
    auto too_small = concat({hex("00000016"), times, meta, hex("ff")});
    Reader r1(too_small);
    StoredMetaData m;
    decode(r1, m, DataModel::single_value, ctx);
    CHECK(r1.error().ec == codec_errc::truncated);
    auto too_large = concat({hex("00000018"), times, meta, hex("ff")});
    Reader r2(too_large);
    decode(r2, m, DataModel::single_value, ctx);
    CHECK(r2.error().ec == codec_errc::trailing_bytes);
    auto past_end = concat({hex("00000030"), times, meta});
    Reader r3(past_end);
    decode(r3, m, DataModel::single_value, ctx);
    CHECK(r3.error().ec == codec_errc::truncated);
    CHECK(r3.error().offset == 0);
  }
  SUBCASE("every truncation") {
    auto bytes = concat({hex("0000001b"), times, hex("0002 6b31"), meta});
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      Reader r(Bytes(bytes.data(), n));
      StoredMetaData m;
      decode(r, m, DataModel::dictionary, ctx);
      CHECK_FALSE(r.ok());
    }
  }
  SUBCASE("an invalid exists") {
    auto bytes = concat({hex("00000013"), times, hex("02 00000007 04 00")});
    Reader r(bytes);
    StoredMetaData m;
    decode(r, m, DataModel::single_value, ctx);
    CHECK(r.error().ec == codec_errc::invalid_value);
    CHECK(r.error().offset == 16);
  }
}

TEST_CASE("the signature input: resource_id || kind || storage_time || value || identity") {
  const auto resource = ResourceId(hex("00112233445566778899aabbccddeeff"));
  const auto sig = decode_exact<Signature>(signature, ctx).value();
  const Buffer resource_bytes = hex("10 00112233445566778899aabbccddeeff");
  const Buffer kind_time = hex("00000007 0000018c2f5a3b00");
  const Buffer identity = hex("01 0006 04 04 a1a2a3a4");

  SUBCASE("an array entry is signed with index 0 (append at 0xffffffff)") {
    auto d = decode_model(array, DataModel::array);
    Buffer out = hex("beef");  // appends, keeping what was there
    CHECK(append_stored_data_signature_input(out, resource, 7, d.storage_time, d.value,
                                             sig.identity));
    CHECK(out == concat({hex("beef"), resource_bytes, kind_time,
                         hex("00000000 01 00000003 666f6f"), identity}));
  }
  SUBCASE("a single value") {
    auto d = decode_model(single, DataModel::single_value);
    Buffer out;
    CHECK(append_stored_data_signature_input(out, resource, 7, d.storage_time, d.value,
                                             sig.identity));
    CHECK(out == concat({resource_bytes, kind_time, hex("01 00000003 616263"), identity}));
  }
  SUBCASE("a dictionary entry") {
    auto d = decode_model(dictionary, DataModel::dictionary);
    Buffer out;
    CHECK(append_stored_data_signature_input(out, resource, 7, d.storage_time, d.value,
                                             sig.identity));
    CHECK(out ==
          concat({resource_bytes, kind_time, hex("0002 6b31 01 00000003 626172"), identity}));
  }
  SUBCASE("a raw value cannot be signed") {
    auto d = decode_exact<StoredData>(single, ctx).value();
    Buffer out = hex("beef");
    CHECK_FALSE(append_stored_data_signature_input(out, resource, 7, d.storage_time, d.value,
                                                   sig.identity));
    CHECK(out == hex("beef"));
  }
}

TEST_CASE("stored data rejections") {
  DecodeError err;
  SUBCASE("every truncation, every model") {
    check_every_truncation_fails(single, DataModel::single_value);
    check_every_truncation_fails(array, DataModel::array);
    check_every_truncation_fails(dictionary, DataModel::dictionary);
    for (std::size_t n = 0; n < single.size(); ++n)
      CHECK_FALSE(decode_exact<StoredData>(Bytes(single.data(), n), ctx).has_value());
  }
  SUBCASE("length larger than the input") {
    auto bytes = concat({hex("00000025"), times, hex("01 00000003 616263"), signature});
    CHECK_FALSE(decode_stored_data(bytes, DataModel::single_value, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 0);
  }
  SUBCASE("length one too large, with a byte to cover") {
    auto bytes = concat({hex("00000025"), times, hex("01 00000003 616263"), signature, hex("00")});
    CHECK_FALSE(decode_stored_data(bytes, DataModel::single_value, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == 40);
    CHECK(std::string_view(err.field) == "StoredData.length");
  }
  SUBCASE("length one too small") {
    auto bytes = concat({hex("00000023"), times, hex("01 00000003 616263"), signature});
    CHECK_FALSE(decode_stored_data(bytes, DataModel::single_value, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
  }
  SUBCASE("a value length that overflows StoredData.length") {
    auto bytes = concat({hex("00000024"), times, hex("01 00000030 616263"), signature});
    CHECK_FALSE(decode_stored_data(bytes, DataModel::single_value, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 17);  // the value's length prefix
  }
  SUBCASE("a raw StoredData shorter than its times") {
    CHECK_FALSE(decode_exact<StoredData>(hex("00000004 00000000"), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
  }
  SUBCASE("exists is neither 0 nor 1") {
    auto bytes = concat({hex("00000024"), times, hex("02 00000003 616263"), signature});
    CHECK_FALSE(decode_stored_data(bytes, DataModel::single_value, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::invalid_value);
    CHECK(err.offset == 16);
  }
  SUBCASE("trailing bytes after the StoredData") {
    auto bytes = concat({single, hex("00")});
    CHECK_FALSE(decode_stored_data(bytes, DataModel::single_value, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == single.size());
  }
  SUBCASE("a model value this codec does not know") {
    CHECK_FALSE(decode_stored_data(single, static_cast<DataModel>(9), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::unknown_data_model);
  }
  SUBCASE("a dictionary decoded as a single value does not line up") {
    CHECK_FALSE(decode_stored_data(dictionary, DataModel::single_value, ctx).has_value());
  }
}

TEST_CASE("data_value_of finds the DataValue of every model and none in raw bytes") {
  const wire::Buffer text{'h', 'i'};
  wire::StoredDataValue single = wire::DataValue{true, text};
  wire::StoredDataValue entry = wire::ArrayEntry{7, {false, {}}};
  wire::StoredDataValue keyed = wire::DictionaryEntry{text, {true, text}};
  wire::StoredDataValue raw = wire::RawValue{text};
  REQUIRE(wire::data_value_of(single));
  CHECK(wire::data_value_of(single)->exists);
  REQUIRE(wire::data_value_of(entry));
  CHECK_FALSE(wire::data_value_of(entry)->exists);
  REQUIRE(wire::data_value_of(keyed));
  CHECK(wire::data_value_of(keyed) == &std::get<wire::DictionaryEntry>(keyed).value);
  CHECK(wire::data_value_of(raw) == nullptr);
}
