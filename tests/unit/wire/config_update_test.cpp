#include "wire/config_update.hpp"

#include <string>

#include <doctest/doctest.h>

#include "hex.hpp"
#include "wire/codec.hpp"

using namespace reload;
using namespace reload::wire;
using reload::test::hex;

namespace {
const CodecContext ctx{};

void check_every_truncation_fails(const Buffer& full) {
  for (std::size_t n = 0; n < full.size(); ++n) {
    CAPTURE(n);
    DecodeError err;
    CHECK_FALSE(decode_exact<ConfigUpdateReq>(Bytes(full.data(), n), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
  }
}

DecodeError decode_failure(const Buffer& bytes) {
  DecodeError err;
  CHECK_FALSE(decode_exact<ConfigUpdateReq>(bytes, ctx, &err).has_value());
  return err;
}

std::string text(Bytes b) { return std::string(as_string_view(b)); }

// config(1), length 7, config_data<0..2^24-1> = "<a/>".
const char* const config_hex = "01 00000007 000004 3c612f3e";
// kind(2), length 12, kinds<0..2^24-1> = 9 bytes: "ab" and "cde" with 16-bit lengths.
const char* const kinds_hex = "02 0000000c 000009 0002 6162 0003 636465";
}  // namespace

TEST_CASE("ConfigUpdateReq of type config") {
  auto bytes = hex(config_hex);
  auto c = decode_exact<ConfigUpdateReq>(bytes, ctx).value();
  CHECK(c.type == ConfigUpdateType::config);
  CHECK(text(c.config_data) == "<a/>");
  CHECK(c.kinds.empty());
  CHECK(encode_to_buffer(c).value() == bytes);

  std::string doc = "<overlay/>";
  ConfigUpdateReq built;
  built.type = ConfigUpdateType::config;
  built.config_data = as_bytes(doc);
  auto encoded = encode_to_buffer(built).value();
  CHECK(encoded == hex("01 0000000d 00000a 3c6f7665726c61792f3e"));
  CHECK(text(decode_exact<ConfigUpdateReq>(encoded, ctx).value().config_data) == doc);
}

TEST_CASE("ConfigUpdateReq of type kind: byte-counted list of KindDescriptions") {
  auto bytes = hex(kinds_hex);
  auto c = decode_exact<ConfigUpdateReq>(bytes, ctx).value();
  CHECK(c.type == ConfigUpdateType::kind);
  REQUIRE(c.kinds.size() == 2);
  CHECK(text(c.kinds[0]) == "ab");
  CHECK(text(c.kinds[1]) == "cde");
  CHECK(encode_to_buffer(c).value() == bytes);

  ConfigUpdateReq built;
  built.type = ConfigUpdateType::kind;
  built.kinds = {as_bytes("ab"), as_bytes("cde")};
  CHECK(encode_to_buffer(built).value() == bytes);

  built.kinds.clear();
  CHECK(encode_to_buffer(built).value() == hex("02 00000003 000000"));
}

TEST_CASE("an unknown ConfigUpdateType is skipped by its length and kept") {
  auto bytes = hex("09 00000002 beef");
  auto c = decode_exact<ConfigUpdateReq>(bytes, ctx).value();
  CHECK(static_cast<int>(c.type) == 9);
  CHECK(equal_bytes(c.unknown_data, hex("beef")));
  CHECK(encode_to_buffer(c).value() == bytes);
}

TEST_CASE("ConfigUpdateReq rejections") {
  DecodeError err;
  SUBCASE("every truncation") {
    check_every_truncation_fails(hex(config_hex));
    check_every_truncation_fails(hex(kinds_hex));
    check_every_truncation_fails(hex("09 00000002 beef"));
  }
  SUBCASE("type 0") {
    err = decode_failure(hex("00 00000000"));
    CHECK(err.ec == codec_errc::invalid_value);
    CHECK(err.offset == 0);
  }
  SUBCASE("length larger than the bytes left") {
    err = decode_failure(hex("01 00000008 000004 3c612f3e"));
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 1);
  }
  SUBCASE("length smaller than config_data") {
    err = decode_failure(hex("01 00000006 000004 3c612f3e"));
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 5);
  }
  SUBCASE("length larger than config_data") {
    err = decode_failure(hex("01 00000008 000004 3c612f3e ff"));
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == 12);
  }
  SUBCASE("a KindDescription overflows the kinds list") {
    err = decode_failure(hex("02 0000000c 000008 0002 6162 0003 636465"));
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 12);
  }
  SUBCASE("kinds length counts elements instead of bytes") {
    err = decode_failure(hex("02 0000000c 000002 0002 6162 0003 636465"));
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 8);
  }
  SUBCASE("trailing bytes after the structure") {
    err = decode_failure(hex("01 00000007 000004 3c612f3e 00"));
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == 12);
  }
}

TEST_CASE("ConfigUpdateReq encoder refusals") {
  ConfigUpdateReq c;
  c.type = static_cast<ConfigUpdateType>(0);
  CHECK(encode_to_buffer(c).error() == codec_errc::invalid_value);

  Buffer big(0x10000, 'x');
  c.type = ConfigUpdateType::kind;
  c.kinds = {big};
  CHECK(encode_to_buffer(c).error() == codec_errc::value_too_long);
}

TEST_CASE("ConfigUpdateAns is empty") {
  CHECK(decode_exact<ConfigUpdateAns>(Bytes{}, ctx).has_value());
  CHECK(encode_to_buffer(ConfigUpdateAns{}).value().empty());
  DecodeError err;
  CHECK_FALSE(decode_exact<ConfigUpdateAns>(hex("00"), ctx, &err).has_value());
  CHECK(err.ec == codec_errc::trailing_bytes);
  CHECK(err.offset == 0);
}
