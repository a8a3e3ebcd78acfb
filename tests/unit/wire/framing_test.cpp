#include "wire/framing.hpp"

#include <doctest/doctest.h>

#include "hex.hpp"
#include "wire/codec.hpp"

using namespace reload;
using namespace reload::wire;
using reload::test::hex;

namespace {
const CodecContext ctx{};
}

TEST_CASE("data and ack frames in RFC form") {
  auto data = hex("80 00000007 000003 aabbcc");
  auto f = decode_exact<FramedMessage>(data, ctx).value();
  CHECK(std::get<FramedData>(f).sequence == 7);
  CHECK(equal_bytes(std::get<FramedData>(f).message, hex("aabbcc")));
  CHECK(encode_to_buffer(f).value() == data);

  auto ack = hex("81 00000007 80000001");
  auto a = decode_exact<FramedMessage>(ack, ctx).value();
  CHECK(std::get<FramedAck>(a).ack_sequence == 7);
  CHECK(std::get<FramedAck>(a).received == 0x80000001u);
  CHECK(encode_to_buffer(a).value() == ack);
}

TEST_CASE("frame rejections") {
  DecodeError err;
  CHECK_FALSE(decode_exact<FramedMessage>(hex("82 00000000"), ctx, &err).has_value());
  CHECK(err.ec == codec_errc::unknown_type);
  CHECK_FALSE(decode_exact<FramedMessage>(hex("80 00000001 000004 aabbcc"), ctx, &err).has_value());
  CHECK(err.ec == codec_errc::truncated);
  CHECK_FALSE(decode_exact<FramedMessage>(hex("81 00000001 00000000 00"), ctx, &err).has_value());
  CHECK(err.ec == codec_errc::trailing_bytes);
}

TEST_CASE("the stream parser cuts frames at every possible split") {
  auto stream = hex("80 00000000 000002 0102  81 00000000 00000000  80 00000001 000000");
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    FrameParser p(1000);
    std::vector<FramedMessage> got;
    boost::system::error_code ec;
    p.put(Bytes(stream.data(), split));
    while (auto f = p.next(ec)) got.push_back(*f);
    REQUIRE_FALSE(ec);
    // Keep copies of data frames before the next put() invalidates their views.
    std::vector<Buffer> payloads;
    for (auto& f : got)
      if (auto* d = std::get_if<FramedData>(&f)) payloads.push_back(to_buffer(d->message));
    p.put(Bytes(stream.data() + split, stream.size() - split));
    while (auto f = p.next(ec)) {
      if (auto* d = std::get_if<FramedData>(&*f)) payloads.push_back(to_buffer(d->message));
      got.push_back(*f);
    }
    REQUIRE_FALSE(ec);
    REQUIRE(got.size() == 3);
    CHECK(std::holds_alternative<FramedAck>(got[1]));
    REQUIRE(payloads.size() == 2);
    CHECK(payloads[0] == hex("0102"));
    CHECK(payloads[1].empty());
    CHECK(p.buffered() == 0);
  }
}

TEST_CASE("the stream parser refuses oversize frames and unknown types, for good") {
  boost::system::error_code ec;
  FrameParser p(10);
  p.put(hex("80 00000000 00000b"));
  CHECK_FALSE(p.next(ec));
  CHECK(ec == codec_errc::length_exceeds_limit);
  p.put(hex("81 00000000 00000000"));
  CHECK_FALSE(p.next(ec));
  CHECK(ec);

  FrameParser q(10);
  q.put(hex("42"));
  CHECK_FALSE(q.next(ec));
  CHECK(ec == codec_errc::unknown_type);
}
