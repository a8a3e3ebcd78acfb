#include "wire/fetch.hpp"

#include <type_traits>

#include <doctest/doctest.h>

#include "hex.hpp"
#include "model_kinds.hpp"
#include "wire/codec.hpp"

using namespace reload;
using namespace reload::wire;
using reload::test::concat;
using reload::test::hex;

namespace {
using namespace reload::wire::test;
const CodecContext& ctx = model_context;

const Buffer resource = hex("10 00112233445566778899aabbccddeeff");

// StoredDataSpecifier = kind | generation | length | model_specifier.
const Buffer spec_single = hex("00000065 0000000000000000 0000");
// indices<0..2^16-1>: {0,5} and {10,last}; length = 2 + 16.
const Buffer spec_array =
    hex("00000066 0000000000000005 0012 0010 00000000 00000005 0000000a ffffffff");
// keys<0..2^16-1>: "k1" and the empty key; length = 2 + 6.
const Buffer spec_dictionary = hex("00000067 0000000000000000 0008 0006 0002 6b31 0000");
// No keys: every entry (the XMPP lookup, PITFALLS.md item 18).
const Buffer spec_wildcard = hex("00000067 0000000000000003 0002 0000");
// 14 + 32 + 22 + 16 = 84 bytes of specifiers.
const Buffer fetch_req =
    concat({resource, hex("0054"), spec_single, spec_array, spec_dictionary, spec_wildcard});

const Buffer signature = hex("04 01  01 0006 04 04 a1a2a3a4  0003 010203");
const Buffer times = hex("0000018c2f5a3b00  00015180");
const Buffer sd_single = concat({hex("00000024"), times, hex("01 00000003 616263"), signature});
const Buffer sd_array0 =
    concat({hex("00000028"), times, hex("00000000 01 00000003 666f6f"), signature});
const Buffer sd_array1 =
    concat({hex("0000001c"), times, hex("00000001 00 00000000"), hex("00 00 03 0000 0000")});
// FetchKindResponse = kind | generation | values<0..2^32-1>; 56 + 16 + 44 + 32 + 16 bytes.
const Buffer fetch_ans = concat({hex("000000a4"),
                                 hex("00000065 0000000000000063 00000028"), sd_single,
                                 hex("00000066 000000000000006b 0000004c"), sd_array0, sd_array1,
                                 hex("00000067 0000000000000009 00000000")});

// StoredMetaData = length (of the rest, as StoredData's) | storage_time | lifetime |
// MetaDataValue; MetaData = exists | value_length | hash_algorithm | hash_value.
const Buffer meta = hex("01 00000003 04 04 a1a2a3a4");
const Buffer stat_ans = concat({hex("00000089"),
                                hex("00000065 0000000000000063 0000001b 00000017"), times, meta,
                                hex("00000066 000000000000006b 0000001f 0000001b"), times,
                                hex("00000000"), meta,
                                hex("00000067 0000000000000002 0000001f 0000001b"), times,
                                hex("0002 6b31"), meta});

template <class T>
void check_every_truncation_fails(const Buffer& full, const CodecContext& c = ctx) {
  for (std::size_t n = 0; n < full.size(); ++n)
    CHECK_FALSE(decode_exact<T>(Bytes(full.data(), n), c).has_value());
}
}  // namespace

TEST_CASE("a FetchReq with each data model, field by field") {
  auto req = decode_exact<FetchReq>(fetch_req, ctx).value();
  CHECK(req.resource.hex() == "00112233445566778899aabbccddeeff");
  REQUIRE(req.specifiers.size() == 4);

  CHECK(req.specifiers[0].kind == single_kind);
  CHECK(std::holds_alternative<SingleValueSpecifier>(req.specifiers[0].model_specifier));

  CHECK(req.specifiers[1].kind == array_kind);
  CHECK(req.specifiers[1].generation == 5);
  const auto& a = std::get<ArraySpecifier>(req.specifiers[1].model_specifier);
  REQUIRE(a.indices.size() == 2);
  CHECK(a.indices[0] == ArrayRange{0, 5});
  CHECK(a.indices[1] == ArrayRange{10, array_last_index});

  const auto& d = std::get<DictionarySpecifier>(req.specifiers[2].model_specifier);
  REQUIRE(d.keys.size() == 2);
  CHECK(as_string_view(d.keys[0]) == "k1");
  CHECK(d.keys[1].empty());

  CHECK(req.specifiers[3].generation == 3);
  CHECK(std::get<DictionarySpecifier>(req.specifiers[3].model_specifier).keys.empty());

  CHECK(encode_to_buffer(req).value() == fetch_req);
}

TEST_CASE("a StatReq has the FetchReq layout but a type of its own") {
  static_assert(!std::is_same_v<FetchReq, StatReq>);
  auto req = decode_exact<StatReq>(fetch_req, ctx).value();
  REQUIRE(req.specifiers.size() == 4);
  CHECK(std::get<ArraySpecifier>(req.specifiers[1].model_specifier).indices.size() == 2);
  CHECK(encode_to_buffer(req).value() == fetch_req);
}

TEST_CASE("a specifier of an unknown kind is kept raw and re-encodes identically") {
  auto bytes = concat({resource, hex("0011 000003e7 0000000000000000 0003 abcdef")});
  auto req = decode_exact<FetchReq>(bytes, ctx).value();
  REQUIRE(req.specifiers.size() == 1);
  CHECK(req.specifiers[0].kind == unknown_kind);
  CHECK(equal_bytes(std::get<RawValue>(req.specifiers[0].model_specifier).bytes, hex("abcdef")));
  CHECK(encode_to_buffer(req).value() == bytes);
}

TEST_CASE("a FetchAns, field by field") {
  auto ans = decode_exact<FetchAns>(fetch_ans, ctx).value();
  REQUIRE(ans.kind_responses.size() == 3);
  CHECK(ans.kind_responses[0].kind == single_kind);
  CHECK(ans.kind_responses[0].generation == 99);
  REQUIRE(ans.kind_responses[0].values.size() == 1);
  CHECK(as_string_view(std::get<DataValue>(ans.kind_responses[0].values[0].value).value) ==
        "abc");

  const auto& values = ans.kind_responses[1].values;
  REQUIRE(values.size() == 2);
  CHECK(std::get<ArrayEntry>(values[0].value).index == 0);
  const auto& gap = std::get<ArrayEntry>(values[1].value);
  CHECK(gap.index == 1);
  CHECK_FALSE(gap.value.exists);
  CHECK(is_synthesized(values[1].signature));
  CHECK_FALSE(is_synthesized(values[0].signature));

  CHECK(ans.kind_responses[2].generation == 9);
  CHECK(ans.kind_responses[2].values.empty());
  CHECK(encode_to_buffer(ans).value() == fetch_ans);
}

TEST_CASE("FetchAns values of an unknown kind are kept raw") {
  auto bytes = concat({hex("00000038 000003e7 0000000000000001 00000028"), sd_single});
  auto ans = decode_exact<FetchAns>(bytes, ctx).value();
  REQUIRE(ans.kind_responses[0].values.size() == 1);
  CHECK(is_raw(ans.kind_responses[0].values[0]));
  CHECK(encode_to_buffer(ans).value() == bytes);
}

TEST_CASE("a StatAns with each data model, field by field") {
  auto ans = decode_exact<StatAns>(stat_ans, ctx).value();
  REQUIRE(ans.kind_responses.size() == 3);
  const auto& single = ans.kind_responses[0];
  CHECK(single.kind == single_kind);
  CHECK(single.generation == 99);
  REQUIRE(single.values.size() == 1);
  CHECK(single.values[0].storage_time == 0x0000018c2f5a3b00ull);
  CHECK(single.values[0].lifetime == 86400);
  const auto& md = std::get<MetaData>(single.values[0].metadata);
  CHECK(md.exists);
  CHECK(md.hash_algorithm == HashAlgorithm::sha256);
  CHECK(equal_bytes(md.hash_value, hex("a1a2a3a4")));
  CHECK(std::get<ArrayEntryMeta>(ans.kind_responses[1].values[0].metadata).index == 0);
  CHECK(as_string_view(std::get<DictionaryEntryMeta>(ans.kind_responses[2].values[0].metadata)
                           .key) == "k1");
  CHECK(encode_to_buffer(ans).value() == stat_ans);
}

TEST_CASE("a StatAns for an unknown kind") {
  SUBCASE("with values: each is skipped by its length and kept raw") {
    auto bytes =
        concat({hex("0000002b 000003e7 0000000000000001 0000001b 00000017"), times, meta});
    auto ans = decode_exact<StatAns>(bytes, ctx).value();
    REQUIRE(ans.kind_responses[0].values.size() == 1);
    const auto& v = ans.kind_responses[0].values[0];
    CHECK(v.lifetime == 86400);
    CHECK(equal_bytes(std::get<RawValue>(v.metadata).bytes, meta));
    CHECK(encode_to_buffer(ans).value() == bytes);
  }
  SUBCASE("without values: nothing needs the model") {
    auto bytes = hex("00000010 000003e7 0000000000000001 00000000");
    auto ans = decode_exact<StatAns>(bytes, ctx).value();
    CHECK(ans.kind_responses[0].values.empty());
    CHECK(encode_to_buffer(ans).value() == bytes);
  }
}

TEST_CASE("ranges_valid: first <= last and no overlap") {
  CHECK(ranges_valid(std::vector<ArrayRange>{{0, 5}, {10, array_last_index}}));
  CHECK(ranges_valid(std::vector<ArrayRange>{{10, array_last_index}, {0, 5}}));
  CHECK(ranges_valid(std::vector<ArrayRange>{}));
  CHECK_FALSE(ranges_valid(std::vector<ArrayRange>{{5, 3}}));
  CHECK_FALSE(ranges_valid(std::vector<ArrayRange>{{0, 5}, {5, 7}}));
}

TEST_CASE("fetch and stat rejections") {
  DecodeError err;
  SUBCASE("every truncation") {
    check_every_truncation_fails<FetchReq>(fetch_req);
    check_every_truncation_fails<StatReq>(fetch_req);
    check_every_truncation_fails<FetchAns>(fetch_ans);
    check_every_truncation_fails<StatAns>(stat_ans);
    check_every_truncation_fails<FetchReq>(fetch_req, CodecContext{});  // all raw
    check_every_truncation_fails<FetchAns>(fetch_ans, CodecContext{});
  }
  SUBCASE("a specifier length larger than its model_specifier") {
    auto bytes = concat({resource, hex("000f 00000065 0000000000000000 0001 00")});
    CHECK_FALSE(decode_exact<FetchReq>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == 33);
    CHECK(std::string_view(err.field) == "StoredDataSpecifier.length");
  }
  SUBCASE("a specifier length smaller than its indices") {
    auto bytes = concat(
        {resource, hex("001f 00000066 0000000000000005 0011 0010 00000000 00000005 0000000a ffffff")});
    CHECK_FALSE(decode_exact<FetchReq>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 33);  // the indices' length prefix
  }
  SUBCASE("a specifier length larger than the specifiers vector") {
    auto bytes = concat({resource, hex("000e 00000065 0000000000000000 0001"), hex("00")});
    CHECK_FALSE(decode_exact<FetchReq>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 31);
  }
  SUBCASE("indices that are not whole ranges") {
    auto bytes = concat({resource, hex("0014 00000066 0000000000000005 0006 0004 00000000")});
    CHECK_FALSE(decode_exact<FetchReq>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
  }
  SUBCASE("a StoredData.length larger than the values vector that holds it") {
    auto bad = sd_single;
    bad[3] = 0x25;
    auto bytes = concat({hex("00000038 00000065 0000000000000063 00000028"), bad});
    CHECK_FALSE(decode_exact<FetchAns>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 20);
  }
  SUBCASE("an invalid exists in a value and in metadata") {
    auto bad = sd_single;
    bad[16] = 0x02;
    auto bytes = concat({hex("00000038 00000065 0000000000000063 00000028"), bad});
    CHECK_FALSE(decode_exact<FetchAns>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::invalid_value);
    CHECK(err.offset == 36);

    auto bad_meta = stat_ans;
    bad_meta[4 + 16 + 16] = 0x02;
    CHECK_FALSE(decode_exact<StatAns>(bad_meta, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::invalid_value);
    CHECK(err.offset == 36);
  }
  SUBCASE("trailing bytes") {
    CHECK_FALSE(decode_exact<FetchReq>(concat({fetch_req, hex("00")}), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == fetch_req.size());
    CHECK_FALSE(decode_exact<StatAns>(concat({stat_ans, hex("00")}), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::trailing_bytes);
  }
}
