#include "wire/destination.hpp"

#include <doctest/doctest.h>

#include "hex.hpp"
#include "wire/codec.hpp"

using namespace reload;
using namespace reload::wire;
using reload::test::hex;

namespace {
const CodecContext ctx{};

DestinationList decode_list(const Buffer& b, ResourcePlacement p, DecodeError* err = nullptr) {
  Reader r(b);
  DestinationList list;
  decode_destinations(r, list, ctx, p);
  if (err) *err = r.error();
  return list;
}
}  // namespace

TEST_CASE("node, resource, opaque and compressed destinations in RFC form") {
  // PITFALLS.md item 5: a node is 01 10 <16 bytes>; a resource is 02 11 10 <16 bytes>.
  auto bytes = hex(
      "01 10 fedcba9876543210fedcba9876543210"
      "03 03 02 abcd"
      "8123"
      "02 11 10 00112233445566778899aabbccddeeff");
  DecodeError err;
  auto list = decode_list(bytes, ResourcePlacement::last_only, &err);
  REQUIRE(!err.ec);
  REQUIRE(list.size() == 4);
  CHECK(std::get<NodeId>(list[0]).hex() == "fedcba9876543210fedcba9876543210");
  CHECK(equal_bytes(std::get<OpaqueId>(list[1]).id, hex("abcd")));
  CHECK(std::get<CompressedId>(list[2]).value == 0x8123);
  CHECK(std::get<ResourceId>(list[3]).hex() == "00112233445566778899aabbccddeeff");

  Buffer out;
  Writer w(out);
  encode_destinations(w, list);
  CHECK(w.ok());
  CHECK(out == bytes);
}

TEST_CASE("destination_size reads only the type and length bytes") {
  CHECK(destination_size(hex("01 10 fedcba9876543210fedcba9876543210 ff")) == 18);
  CHECK(destination_size(hex("8001")) == 2);
  CHECK(destination_size(hex("80")) == 0);
  CHECK(destination_size(hex("01 10 fedc")) == 0);
}

TEST_CASE("unknown destination types with a length are kept, and re-encode identically") {
  auto bytes = hex("07 02 beef");
  auto list = decode_list(bytes, ResourcePlacement::last_only);
  REQUIRE(list.size() == 1);
  CHECK(std::get<UnknownDestination>(list[0]).type == 7);
  CHECK(encode_to_buffer(list[0]).value() == bytes);
}

TEST_CASE("rejections") {
  DecodeError err;
  SUBCASE("a node of the wrong length") {
    decode_list(hex("01 04 01020304"), ResourcePlacement::last_only, &err);
    CHECK(err.ec == codec_errc::invalid_value);
  }
  SUBCASE("a length past the end") {
    decode_list(hex("01 10 0102"), ResourcePlacement::last_only, &err);
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 1);
  }
  SUBCASE("a resource whose inner length disagrees with the outer one") {
    decode_list(hex("02 11 0f 00112233445566778899aabbccddeeff"), ResourcePlacement::last_only,
                &err);
    CHECK(err.ec == codec_errc::trailing_bytes);
  }
  SUBCASE("a resource that is not last") {
    decode_list(hex("02 11 10 00112233445566778899aabbccddeeff 8001"),
                ResourcePlacement::last_only, &err);
    CHECK(err.ec == codec_errc::resource_not_last);
  }
  SUBCASE("a resource in a via list") {
    decode_list(hex("02 11 10 00112233445566778899aabbccddeeff"), ResourcePlacement::forbidden,
                &err);
    CHECK(err.ec == codec_errc::resource_not_last);
  }
  SUBCASE("type 0 is invalid") {
    decode_list(hex("00 00"), ResourcePlacement::last_only, &err);
    CHECK(err.ec == codec_errc::invalid_value);
  }
  SUBCASE("a compressed id needs two bytes") {
    decode_list(hex("81"), ResourcePlacement::last_only, &err);
    CHECK(err.ec == codec_errc::truncated);
  }
}

TEST_CASE("20-byte Node-IDs when the overlay says so") {
  CodecContext c20;
  c20.node_id_length = 20;
  auto bytes = hex("01 14 00112233445566778899aabbccddeeff00112233");
  Reader r(bytes);
  Destination d;
  decode(r, d, c20);
  REQUIRE(r.ok());
  CHECK(std::get<NodeId>(d).size() == 20);
}
