#include "wire/error_response.hpp"

#include <doctest/doctest.h>

#include "hex.hpp"
#include "wire/codec.hpp"

using namespace reload;
using namespace reload::wire;
using reload::test::concat;
using reload::test::hex;

namespace {
const CodecContext ctx{};

// error_code Error_Forbidden (2) | error_info<0..2^16-1> = "not yours".
const Buffer forbidden = concat({hex("0002 0009"), to_buffer(as_bytes("not yours"))});
// Error_Unknown_Kind (0x0c): error_info = KindId unknown_kinds<0..2^8-1> = {1, 99}.
const Buffer unknown_kinds_info = hex("08 00000001 00000063");
// Error_Generation_Counter_Too_Low (5): error_info = StoreAns, one kind at counter 7, no
// replicas.
const Buffer generation_info = hex("000e 00000065 0000000000000007 0000");
}  // namespace

TEST_CASE("a text error, field by field") {
  auto e = decode_exact<ErrorResponse>(forbidden, ctx).value();
  CHECK(e.error_code == static_cast<std::uint16_t>(errc::forbidden));
  CHECK(as_string_view(e.error_info) == "not yours");
  CHECK(encode_to_buffer(e).value() == forbidden);
  CHECK(encode_to_buffer(text_error_response(errc::forbidden, "not yours")).value() == forbidden);
}

TEST_CASE("an empty error_info and an unassigned code") {
  auto bytes = hex("7777 0000");
  auto e = decode_exact<ErrorResponse>(bytes, ctx).value();
  CHECK(e.error_code == 0x7777);
  CHECK(e.error_info.empty());
  CHECK(encode_to_buffer(e).value() == bytes);
}

TEST_CASE("Error_Unknown_Kind carries a KindId list, not text") {
  auto bytes = concat({hex("000c 0009"), unknown_kinds_info});
  auto e = decode_exact<ErrorResponse>(bytes, ctx).value();
  CHECK(e.error_code == static_cast<std::uint16_t>(errc::unknown_kind));
  auto kinds = decode_unknown_kinds_info(e.error_info).value();
  CHECK(kinds == std::vector<KindId>{1, 99});

  const std::vector<KindId> listed{1, 99};
  auto info = encode_unknown_kinds_info(listed).value();
  CHECK(info == unknown_kinds_info);
  CHECK(encode_to_buffer(ErrorResponse{0x000c, info}).value() == bytes);

  CHECK(decode_unknown_kinds_info(hex("00")).value().empty());
}

TEST_CASE("at most 63 kinds fit in unknown_kinds<0..2^8-1>") {
  std::vector<KindId> kinds(63, 5);
  auto info = encode_unknown_kinds_info(kinds);
  REQUIRE(info.has_value());
  CHECK(info.value().size() == 1 + 252);
  kinds.push_back(5);
  auto too_many = encode_unknown_kinds_info(kinds);
  REQUIRE_FALSE(too_many.has_value());
  CHECK(too_many.error() == codec_errc::value_too_long);
}

TEST_CASE("Error_Generation_Counter_Too_Low carries a StoreAns") {
  auto bytes = concat({hex("0005 0010"), generation_info});
  auto e = decode_exact<ErrorResponse>(bytes, ctx).value();
  CHECK(e.error_code == static_cast<std::uint16_t>(errc::generation_counter_too_low));
  auto ans = decode_generation_counter_info(e.error_info, ctx).value();
  REQUIRE(ans.kind_responses.size() == 1);
  CHECK(ans.kind_responses[0].kind == 101);
  CHECK(ans.kind_responses[0].generation_counter == 7);
  CHECK(ans.kind_responses[0].replicas.empty());
  CHECK(encode_generation_counter_info(ans).value() == generation_info);
}

TEST_CASE("error response rejections") {
  DecodeError err;
  SUBCASE("every truncation") {
    for (std::size_t n = 0; n < forbidden.size(); ++n)
      CHECK_FALSE(decode_exact<ErrorResponse>(Bytes(forbidden.data(), n), ctx).has_value());
    for (std::size_t n = 0; n < unknown_kinds_info.size(); ++n)
      CHECK_FALSE(decode_unknown_kinds_info(Bytes(unknown_kinds_info.data(), n)).has_value());
    for (std::size_t n = 0; n < generation_info.size(); ++n)
      CHECK_FALSE(
          decode_generation_counter_info(Bytes(generation_info.data(), n), ctx).has_value());
  }
  SUBCASE("error_info longer than the body") {
    CHECK_FALSE(decode_exact<ErrorResponse>(hex("0002 0005 6e6f"), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 2);
  }
  SUBCASE("trailing bytes") {
    CHECK_FALSE(decode_exact<ErrorResponse>(concat({forbidden, hex("00")}), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == forbidden.size());
  }
  SUBCASE("unknown_kinds counted in elements instead of bytes") {
    auto r = decode_unknown_kinds_info(hex("02 00000001 00000063"));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == codec_errc::truncated);
  }
  SUBCASE("bytes after the unknown_kinds list") {
    auto r = decode_unknown_kinds_info(hex("04 00000001 00"));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == codec_errc::trailing_bytes);
  }
  SUBCASE("text is not a StoreAns") {
    CHECK_FALSE(decode_generation_counter_info(as_bytes("not yours"), ctx).has_value());
  }
}
