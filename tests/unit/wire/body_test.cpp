#include "wire/body.hpp"

#include <doctest/doctest.h>

#include "hex.hpp"
#include "sample_messages.hpp"
#include "wire/message.hpp"

using namespace reload;
using namespace reload::wire;
using reload::test::hex;

TEST_CASE("every sample message's body decodes as the structure its code names") {
  CodecContext ctx;
  ctx.data_models = &test::sample_data_models();
  auto samples = test::sample_messages();
  CHECK(samples.size() >= 30);
  for (const auto& s : samples) {
    CAPTURE(s.name);
    auto m = decode_message(s.bytes, ctx).value();
    auto b = decode_body(m.contents.message_code, m.contents.message_body, ctx);
    REQUIRE(b.has_value());
    auto again = encode_body(*b);
    REQUIRE(again.has_value());
    CHECK(equal_bytes(*again, m.contents.message_body));
    switch (static_cast<MessageCode>(s.message_code)) {
      case MessageCode::attach_req:
      case MessageCode::attach_ans: CHECK(std::holds_alternative<AttachReqAns>(*b)); break;
      case MessageCode::update_req: CHECK(std::holds_alternative<ChordUpdate>(*b)); break;
      case MessageCode::route_query_ans: CHECK(std::holds_alternative<ChordRouteQueryAns>(*b)); break;
      case MessageCode::stat_req: CHECK(std::holds_alternative<StatReq>(*b)); break;
      case MessageCode::fetch_req: CHECK(std::holds_alternative<FetchReq>(*b)); break;
      case MessageCode::error: CHECK(std::holds_alternative<ErrorResponse>(*b)); break;
      default: break;
    }
  }
}

TEST_CASE("Fetch and Stat requests share a layout but not a type") {
  CodecContext ctx;
  auto body = hex("10 00112233445566778899aabbccddeeff 0000");  // resource, no specifiers
  CHECK(std::holds_alternative<FetchReq>(decode_body(0x9, body, ctx).value()));
  CHECK(std::holds_alternative<StatReq>(decode_body(0x19, body, ctx).value()));
}

TEST_CASE("empty answers must be empty; experimental bodies are opaque") {
  CodecContext ctx;
  CHECK(std::holds_alternative<LeaveAns>(decode_body(0x12, {}, ctx).value()));
  DecodeError err;
  auto one = hex("00");
  CHECK_FALSE(decode_body(0x12, one, ctx, &err).has_value());
  CHECK(err.ec == codec_errc::trailing_bytes);
  auto exp = hex("deadbeef");
  auto b = decode_body(0x23, exp, ctx).value();
  CHECK(equal_bytes(std::get<OpaqueBody>(b).bytes, exp));
}

TEST_CASE("unassigned and invalid message codes are refused") {
  CodecContext ctx;
  DecodeError err;
  for (std::uint16_t code : {0x0, 0x5, 0x6, 0xB, 0x1B, 0x27, 0x8000, 0xFFFE}) {
    CAPTURE(code);
    CHECK(decode_body(code, {}, ctx, &err).error() == codec_errc::unknown_type);
  }
}

TEST_CASE("a body error reports the offset within the body") {
  CodecContext ctx;
  DecodeError err;
  auto body = hex("0005 0102");  // PingReq padding claims 5 bytes, has 2
  CHECK_FALSE(decode_body(0x17, body, ctx, &err).has_value());
  CHECK(err.ec == codec_errc::truncated);
  CHECK(err.offset == 0);
}
