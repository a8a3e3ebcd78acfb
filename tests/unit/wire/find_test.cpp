#include "wire/find.hpp"

#include <doctest/doctest.h>

#include "hex.hpp"
#include "wire/codec.hpp"

using namespace reload;
using namespace reload::wire;
using reload::test::hex;

namespace {
const CodecContext ctx{};

// FindReq = ResourceId resource | KindId kinds<0..2^8-1>: two kinds, 8 bytes.
const Buffer find_req = hex("10 00112233445566778899aabbccddeeff  08 00000001 00000005");
// FindAns = FindKindData results<0..2^16-1>; the second result knows no Resource-ID.
const Buffer find_ans = hex(
    "001a"
    "00000005 10 0f0e0d0c0b0a09080706050403020100"
    "00000001 00");

template <class T>
void check_every_truncation_fails(const Buffer& full) {
  for (std::size_t n = 0; n < full.size(); ++n)
    CHECK_FALSE(decode_exact<T>(Bytes(full.data(), n), ctx).has_value());
}
}  // namespace

TEST_CASE("a FindReq, field by field") {
  auto req = decode_exact<FindReq>(find_req, ctx).value();
  CHECK(req.resource.hex() == "00112233445566778899aabbccddeeff");
  REQUIRE(req.kinds.size() == 2);
  CHECK(req.kinds[0] == kinds::sip_registration);
  CHECK(req.kinds[1] == kinds::xmpp_location);
  CHECK_FALSE(has_duplicate_kinds(req));
  CHECK(encode_to_buffer(req).value() == find_req);
}

TEST_CASE("a FindReq with no kinds and an empty Resource-ID") {
  auto bytes = hex("00 00");
  auto req = decode_exact<FindReq>(bytes, ctx).value();
  CHECK(req.resource.empty());
  CHECK(req.kinds.empty());
  CHECK(encode_to_buffer(req).value() == bytes);
}

TEST_CASE("a kind named twice") {
  auto req = decode_exact<FindReq>(hex("00 0c 00000005 00000001 00000005"), ctx).value();
  CHECK(has_duplicate_kinds(req));
}

TEST_CASE("a FindAns, field by field") {
  auto ans = decode_exact<FindAns>(find_ans, ctx).value();
  REQUIRE(ans.results.size() == 2);
  CHECK(ans.results[0].kind == kinds::xmpp_location);
  CHECK(ans.results[0].closest.hex() == "0f0e0d0c0b0a09080706050403020100");
  CHECK(ans.results[1].kind == kinds::sip_registration);
  CHECK(ans.results[1].closest.empty());
  CHECK(encode_to_buffer(ans).value() == find_ans);
}

TEST_CASE("63 kinds fit in kinds<0..2^8-1>, 64 do not") {
  FindReq req;
  req.kinds.assign(63, 1);
  auto ok = encode_to_buffer(req);
  REQUIRE(ok.has_value());
  CHECK(ok.value()[1] == 252);
  req.kinds.push_back(1);
  auto too_long = encode_to_buffer(req);
  REQUIRE_FALSE(too_long.has_value());
  CHECK(too_long.error() == codec_errc::value_too_long);
}

TEST_CASE("find rejections") {
  DecodeError err;
  SUBCASE("every truncation") {
    check_every_truncation_fails<FindReq>(find_req);
    check_every_truncation_fails<FindAns>(find_ans);
  }
  SUBCASE("kinds that are not whole KindIds (a count instead of bytes)") {
    CHECK_FALSE(decode_exact<FindReq>(hex("00 02 00000001 00000005"), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 2);
  }
  SUBCASE("a closest Resource-ID longer than the results vector") {
    CHECK_FALSE(decode_exact<FindAns>(hex("0006 00000005 05 0102 030405"), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 6);
  }
  SUBCASE("trailing bytes") {
    auto bytes = find_req;
    bytes.push_back(0);
    CHECK_FALSE(decode_exact<FindReq>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == find_req.size());
  }
}
