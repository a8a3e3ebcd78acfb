#include "wire/probe.hpp"

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

template <class T>
DecodeError decode_failure(const Buffer& bytes) {
  DecodeError err;
  CHECK_FALSE(decode_exact<T>(bytes, ctx, &err).has_value());
  return err;
}

// responsible_set 10^9 ppb (all of it), num_resources 42, uptime 3600 s.
const char* const answer_hex = "0012  01 04 3b9aca00  02 04 0000002a  03 04 00000e10";
}  // namespace

TEST_CASE("a ProbeReq is a byte-counted list of one-byte types") {
  auto bytes = hex("03 01 02 03");
  auto p = decode_exact<ProbeReq>(bytes, ctx).value();
  REQUIRE(p.requested_info.size() == 3);
  CHECK(p.requested_info[0] == ProbeInformationType::responsible_set);
  CHECK(p.requested_info[1] == ProbeInformationType::num_resources);
  CHECK(p.requested_info[2] == ProbeInformationType::uptime);
  CHECK(encode_to_buffer(p).value() == bytes);

  auto empty = decode_exact<ProbeReq>(hex("00"), ctx).value();
  CHECK(empty.requested_info.empty());
  CHECK(encode_to_buffer(empty).value() == hex("00"));
}

TEST_CASE("an unknown type in a ProbeReq is kept for the responder to ignore") {
  auto bytes = hex("02 09 03");
  auto p = decode_exact<ProbeReq>(bytes, ctx).value();
  REQUIRE(p.requested_info.size() == 2);
  CHECK(static_cast<int>(p.requested_info[0]) == 9);
  CHECK_FALSE(is_known(p.requested_info[0]));
  CHECK(encode_to_buffer(p).value() == bytes);
}

TEST_CASE("a ProbeAns with the three known types, field by field") {
  auto bytes = hex(answer_hex);
  auto a = decode_exact<ProbeAns>(bytes, ctx).value();
  REQUIRE(a.probe_info.size() == 3);
  CHECK(a.probe_info[0].type == ProbeInformationType::responsible_set);
  CHECK(a.probe_info[0].value == 1000000000);
  CHECK(a.probe_info[1].type == ProbeInformationType::num_resources);
  CHECK(a.probe_info[1].value == 42);
  CHECK(a.probe_info[2].type == ProbeInformationType::uptime);
  CHECK(a.probe_info[2].value == 3600);
  CHECK(encode_to_buffer(a).value() == bytes);
}

TEST_CASE("a ProbeAns built from fields decodes back to them") {
  ProbeAns a;
  a.probe_info.push_back({ProbeInformationType::uptime, 7, {}});
  a.probe_info.push_back({ProbeInformationType::num_resources, 0xdeadbeef, {}});
  auto bytes = encode_to_buffer(a).value();
  CHECK(bytes == hex("000c  03 04 00000007  02 04 deadbeef"));
  auto back = decode_exact<ProbeAns>(bytes, ctx).value();
  REQUIRE(back.probe_info.size() == 2);
  CHECK(back.probe_info[0].type == ProbeInformationType::uptime);
  CHECK(back.probe_info[0].value == 7);
  CHECK(back.probe_info[1].value == 0xdeadbeef);
}

TEST_CASE("an unknown ProbeInformation type is skipped by its length and kept") {
  auto bytes = hex("000a  07 02 beef  03 04 00000001");
  auto a = decode_exact<ProbeAns>(bytes, ctx).value();
  REQUIRE(a.probe_info.size() == 2);
  CHECK(static_cast<int>(a.probe_info[0].type) == 7);
  CHECK(equal_bytes(a.probe_info[0].unknown_value, hex("beef")));
  CHECK(a.probe_info[1].value == 1);
  CHECK(encode_to_buffer(a).value() == bytes);
}

TEST_CASE("Probe rejections") {
  SUBCASE("every truncation") {
    check_every_truncation_fails<ProbeReq>(hex("03 01 02 03"));
    check_every_truncation_fails<ProbeAns>(hex(answer_hex));
    check_every_truncation_fails<ProbeAns>(hex("0004 07 02 beef"));
  }
  SUBCASE("requested type 0") {
    auto err = decode_failure<ProbeReq>(hex("03 01 00 03"));
    CHECK(err.ec == codec_errc::invalid_value);
    CHECK(err.offset == 2);
  }
  SUBCASE("requested_info past the end") {
    auto err = decode_failure<ProbeReq>(hex("04 01 02"));
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 0);
  }
  SUBCASE("a known type with length 3") {
    auto err = decode_failure<ProbeAns>(hex("0005 03 03 000001"));
    CHECK(err.ec == codec_errc::invalid_value);
    CHECK(err.offset == 3);
  }
  SUBCASE("a known type with length 5") {
    auto err = decode_failure<ProbeAns>(hex("000d 01 04 3b9aca00 02 05 0000002a00"));
    CHECK(err.ec == codec_errc::invalid_value);
    CHECK(err.offset == 9);
  }
  SUBCASE("type 0") {
    auto err = decode_failure<ProbeAns>(hex("0006 00 04 00000001"));
    CHECK(err.ec == codec_errc::invalid_value);
    CHECK(err.offset == 2);
  }
  SUBCASE("a ProbeInformation overflows probe_info") {
    auto err = decode_failure<ProbeAns>(hex("0005 01 04 3b9aca00"));
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 3);
  }
  SUBCASE("probe_info counts elements instead of bytes") {
    auto err = decode_failure<ProbeAns>(hex("0003 01 04 3b9aca00  02 04 0000002a  03 04 00000e10"));
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 3);
  }
  SUBCASE("trailing bytes") {
    auto err = decode_failure<ProbeReq>(hex("01 03 03"));
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == 2);
    err = decode_failure<ProbeAns>(hex("0006 03 04 00000e10 00"));
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == 8);
  }
}

TEST_CASE("Probe encoder refusals") {
  ProbeReq req;
  req.requested_info = {static_cast<ProbeInformationType>(0)};
  CHECK(encode_to_buffer(req).error() == codec_errc::invalid_value);

  ProbeInformation info;
  info.type = static_cast<ProbeInformationType>(0);
  CHECK(encode_to_buffer(info).error() == codec_errc::invalid_value);

  Buffer big(256, 0);
  info.type = static_cast<ProbeInformationType>(8);
  info.unknown_value = big;
  CHECK(encode_to_buffer(info).error() == codec_errc::value_too_long);
}
