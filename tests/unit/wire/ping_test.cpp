#include "wire/ping.hpp"

#include <doctest/doctest.h>

#include "hex.hpp"
#include "wire/codec.hpp"

using namespace reload;
using namespace reload::wire;
using reload::test::hex;

namespace {
const CodecContext ctx{};

template <class T>
void check_every_truncation_fails(const Buffer& full) {
  for (std::size_t n = 0; n < full.size(); ++n) {
    CAPTURE(n);
    DecodeError err;
    CHECK_FALSE(decode_exact<T>(Bytes(full.data(), n), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
  }
}
}  // namespace

TEST_CASE("PingReq: padding with a two-byte length") {
  auto bytes = hex("0003 000000");
  auto p = decode_exact<PingReq>(bytes, ctx).value();
  CHECK(p.padding.size() == 3);
  CHECK(encode_to_buffer(p).value() == bytes);

  auto empty = decode_exact<PingReq>(hex("0000"), ctx).value();
  CHECK(empty.padding.empty());
  CHECK(encode_to_buffer(PingReq{}).value() == hex("0000"));
}

TEST_CASE("PingReq with the largest padding") {
  Buffer padding(0xffff, 0xaa);
  auto bytes = encode_to_buffer(PingReq{padding}).value();
  REQUIRE(bytes.size() == 0x10001);
  CHECK(bytes[0] == 0xff);
  CHECK(bytes[1] == 0xff);
  auto back = decode_exact<PingReq>(bytes, ctx).value();
  CHECK(equal_bytes(back.padding, padding));

  Buffer too_much(0x10000, 0);
  CHECK(encode_to_buffer(PingReq{too_much}).error() == codec_errc::value_too_long);
}

TEST_CASE("PingAns: response_id then time, 64 bits each") {
  auto bytes = hex("0123456789abcdef 0000018bcfe56800");
  auto p = decode_exact<PingAns>(bytes, ctx).value();
  CHECK(p.response_id == 0x0123456789abcdefull);
  CHECK(p.time == 1700000000000ull);  // ms, as storage_time
  CHECK(encode_to_buffer(p).value() == bytes);

  PingAns built{42, 7};
  auto back = decode_exact<PingAns>(encode_to_buffer(built).value(), ctx).value();
  CHECK(back.response_id == 42);
  CHECK(back.time == 7);
}

TEST_CASE("Ping rejections") {
  DecodeError err;
  SUBCASE("every truncation") {
    check_every_truncation_fails<PingReq>(hex("0003 000000"));
    check_every_truncation_fails<PingAns>(hex("0123456789abcdef 0000018bcfe56800"));
  }
  SUBCASE("padding length past the end") {
    CHECK_FALSE(decode_exact<PingReq>(hex("0004 000000"), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 0);
  }
  SUBCASE("trailing bytes") {
    CHECK_FALSE(decode_exact<PingReq>(hex("0001 00 00"), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == 3);
    CHECK_FALSE(
        decode_exact<PingAns>(hex("0123456789abcdef 0000018bcfe56800 00"), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == 16);
  }
}
