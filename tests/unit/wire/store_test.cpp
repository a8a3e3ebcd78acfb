#include "wire/store.hpp"

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

const Buffer signature = hex("04 01  01 0006 04 04 a1a2a3a4  0003 010203");  // 16 bytes
const Buffer times = hex("0000018c2f5a3b00  00015180");
// StoredData of 40, 44 and 44 bytes (length prefix included).
const Buffer sd_single = concat({hex("00000024"), times, hex("01 00000003 616263"), signature});
const Buffer sd_array =
    concat({hex("00000028"), times, hex("ffffffff 01 00000003 666f6f"), signature});
const Buffer sd_dictionary =
    concat({hex("00000028"), times, hex("0002 6b31 01 00000003 626172"), signature});
const Buffer resource = hex("10 00112233445566778899aabbccddeeff");

// StoreKindData = kind | generation_counter | values<0..2^32-1>.
// The RFC's figure: kind X single value at generation 99, kind Y array at 107.
const Buffer kd_single = concat({hex("00000065 0000000000000063 00000028"), sd_single});
const Buffer kd_array = concat({hex("00000066 000000000000006b 0000002c"), sd_array});
const Buffer kd_dictionary = concat({hex("00000067 0000000000000000 0000002c"), sd_dictionary});
// kind_data is 56 + 60 + 60 = 176 bytes.
const Buffer store_req =
    concat({resource, hex("00 000000b0"), kd_single, kd_array, kd_dictionary});

// StoreAns: two StoreKindResponses, the first with two replicas (32 bytes), the second none.
const Buffer store_ans = hex(
    "003c"
    "00000065 0000000000000064 0020 0102030405060708090a0b0c0d0e0f10"
    "                               1112131415161718191a1b1c1d1e1f20"
    "00000066 000000000000006c 0000");
}  // namespace

TEST_CASE("a StoreReq with a single value, an array and a dictionary kind") {
  auto req = decode_exact<StoreReq>(store_req, ctx).value();
  CHECK(req.resource.hex() == "00112233445566778899aabbccddeeff");
  CHECK(req.replica_number == 0);
  REQUIRE(req.kind_data.size() == 3);

  CHECK(req.kind_data[0].kind == single_kind);
  CHECK(req.kind_data[0].generation_counter == 99);
  REQUIRE(req.kind_data[0].values.size() == 1);
  CHECK(as_string_view(std::get<DataValue>(req.kind_data[0].values[0].value).value) == "abc");

  CHECK(req.kind_data[1].kind == array_kind);
  CHECK(req.kind_data[1].generation_counter == 107);
  REQUIRE(req.kind_data[1].values.size() == 1);
  const auto& entry = std::get<ArrayEntry>(req.kind_data[1].values[0].value);
  CHECK(entry.index == 0xffffffff);
  CHECK(as_string_view(entry.value.value) == "foo");

  CHECK(req.kind_data[2].kind == dictionary_kind);
  CHECK(req.kind_data[2].generation_counter == 0);
  const auto& dict = std::get<DictionaryEntry>(req.kind_data[2].values[0].value);
  CHECK(as_string_view(dict.key) == "k1");
  CHECK(as_string_view(dict.value.value) == "bar");

  CHECK_FALSE(has_duplicate_kinds(req));
  CHECK(encode_to_buffer(req).value() == store_req);
}

TEST_CASE("several values of one kind, and a replica store") {
  auto second = concat({hex("00000028"), times, hex("00000001 01 00000003 626172"), signature});
  auto bytes = concat({resource, hex("02 00000068 00000066 0000000000000007 00000058"), sd_array,
                       second});
  auto req = decode_exact<StoreReq>(bytes, ctx).value();
  CHECK(req.replica_number == 2);
  REQUIRE(req.kind_data.size() == 1);
  REQUIRE(req.kind_data[0].values.size() == 2);
  CHECK(std::get<ArrayEntry>(req.kind_data[0].values[1].value).index == 1);
  CHECK(encode_to_buffer(req).value() == bytes);
}

TEST_CASE("an empty StoreReq") {
  auto bytes = concat({resource, hex("00 00000000")});
  auto req = decode_exact<StoreReq>(bytes, ctx).value();
  CHECK(req.kind_data.empty());
  CHECK(encode_to_buffer(req).value() == bytes);
}

TEST_CASE("an unknown kind is kept raw and re-encodes identically") {
  auto kd_unknown = concat({hex("000003e7 0000000000000001 00000028"), sd_single});
  auto bytes = concat({resource, hex("00 00000074"), kd_unknown, kd_array});
  auto req = decode_exact<StoreReq>(bytes, ctx).value();
  REQUIRE(req.kind_data.size() == 2);
  CHECK(req.kind_data[0].kind == unknown_kind);
  REQUIRE(req.kind_data[0].values.size() == 1);
  const auto& v = req.kind_data[0].values[0];
  CHECK(is_raw(v));
  CHECK(v.storage_time == 0x0000018c2f5a3b00ull);
  CHECK(v.lifetime == 86400);
  CHECK(equal_bytes(std::get<RawValue>(v.value).bytes,
                    concat({hex("01 00000003 616263"), signature})));
  CHECK_FALSE(is_raw(req.kind_data[1].values[0]));
  CHECK(encode_to_buffer(req).value() == bytes);

  // With no table at all every kind is unknown, and the request still round-trips.
  auto all_raw = decode_exact<StoreReq>(store_req, CodecContext{}).value();
  CHECK(is_raw(all_raw.kind_data[1].values[0]));
  CHECK(encode_to_buffer(all_raw).value() == store_req);
}

TEST_CASE("the same kind twice") {
  auto bytes = concat({resource, hex("00 00000070"), kd_single, kd_single});
  auto req = decode_exact<StoreReq>(bytes, ctx).value();
  CHECK(has_duplicate_kinds(req));
}

TEST_CASE("a StoreAns, field by field") {
  auto ans = decode_exact<StoreAns>(store_ans, ctx).value();
  REQUIRE(ans.kind_responses.size() == 2);
  CHECK(ans.kind_responses[0].kind == single_kind);
  CHECK(ans.kind_responses[0].generation_counter == 100);
  REQUIRE(ans.kind_responses[0].replicas.size() == 2);
  CHECK(ans.kind_responses[0].replicas[0].hex() == "0102030405060708090a0b0c0d0e0f10");
  CHECK(ans.kind_responses[0].replicas[1].hex() == "1112131415161718191a1b1c1d1e1f20");
  CHECK(ans.kind_responses[1].generation_counter == 108);
  CHECK(ans.kind_responses[1].replicas.empty());
  CHECK(encode_to_buffer(ans).value() == store_ans);
}

TEST_CASE("StoreAns replicas of 20-byte Node-IDs") {
  CodecContext c20 = ctx;
  c20.node_id_length = 20;
  auto bytes = hex("0022 00000065 0000000000000001 0014 00112233445566778899aabbccddeeff00112233");
  auto ans = decode_exact<StoreAns>(bytes, c20).value();
  CHECK(ans.kind_responses[0].replicas[0].size() == 20);
  CHECK(encode_to_buffer(ans).value() == bytes);
  CHECK_FALSE(decode_exact<StoreAns>(bytes, ctx).has_value());
}

TEST_CASE("store rejections") {
  DecodeError err;
  SUBCASE("every truncation of a StoreReq") {
    for (std::size_t n = 0; n < store_req.size(); ++n)
      CHECK_FALSE(decode_exact<StoreReq>(Bytes(store_req.data(), n), ctx).has_value());
  }
  SUBCASE("every truncation of a StoreAns") {
    for (std::size_t n = 0; n < store_ans.size(); ++n)
      CHECK_FALSE(decode_exact<StoreAns>(Bytes(store_ans.data(), n), ctx).has_value());
  }
  SUBCASE("a StoredData.length larger than the values vector that holds it") {
    // values<> says 40 bytes, the StoredData inside claims 41; the next kind follows.
    auto bad_sd = sd_single;
    bad_sd[3] = 0x25;
    auto bytes = concat({resource, hex("00 00000074"), hex("00000065 0000000000000063 00000028"),
                         bad_sd, kd_array});
    CHECK_FALSE(decode_exact<StoreReq>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 17 + 5 + 16);  // the StoredData's length field
  }
  SUBCASE("a StoreKindData.values length larger than kind_data") {
    auto bytes = concat({resource, hex("00 00000038 00000065 0000000000000063 00000029"), sd_single,
                         hex("00")});
    CHECK_FALSE(decode_exact<StoreReq>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 17 + 5 + 12);
  }
  SUBCASE("a kind_data length counting elements instead of bytes") {
    auto bytes = concat({resource, hex("00 00000001"), kd_single});
    CHECK_FALSE(decode_exact<StoreReq>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
  }
  SUBCASE("an invalid exists inside a value") {
    auto bad_sd = sd_single;
    bad_sd[16] = 0x02;
    auto bytes = concat({resource, hex("00 00000038 00000065 0000000000000063 00000028"), bad_sd});
    CHECK_FALSE(decode_exact<StoreReq>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::invalid_value);
    CHECK(err.offset == 17 + 5 + 16 + 16);
  }
  SUBCASE("trailing bytes after the StoreReq") {
    auto bytes = concat({store_req, hex("00")});
    CHECK_FALSE(decode_exact<StoreReq>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == store_req.size());
  }
  SUBCASE("replicas that are not whole Node-IDs") {
    auto bytes = hex("0011 00000065 0000000000000001 0003 010203");
    CHECK_FALSE(decode_exact<StoreAns>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
  }
  SUBCASE("a resource length past the end") {
    CHECK_FALSE(decode_exact<StoreReq>(hex("10 0011"), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 0);
  }
}
