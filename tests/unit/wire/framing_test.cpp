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

TEST_CASE("the stream parser gives back a burst's buffer once the burst is consumed") {
  boost::system::error_code ec;
  FrameParser p(5000);
  Buffer burst;
  for (std::uint32_t i = 0; i < 4; ++i) {  // four 4,000-byte messages in one read
    auto frame = encode_to_buffer(FramedMessage{FramedData{i, Bytes(Buffer(4000, 0x33))}}).value();
    burst.insert(burst.end(), frame.begin(), frame.end());
  }
  auto tail = hex("80 00000009 000004 aabb");  // a partial frame after the burst is kept whole
  burst.insert(burst.end(), tail.begin(), tail.end());
  p.put(burst);
  int frames = 0;
  while (p.next(ec)) ++frames;
  REQUIRE_FALSE(ec);
  CHECK(frames == 4);
  CHECK(p.capacity() >= burst.size());
  p.put(hex("ccdd"));
  auto last = p.next(ec);
  REQUIRE(last);
  CHECK(equal_bytes(std::get<FramedData>(*last).message, hex("aabbccdd")));
  CHECK(p.capacity() >= burst.size());  // the partial frame was moved within the buffer

  p.put(hex("81 00000000 00000000"));  // nothing was left over: the big buffer goes
  CHECK(p.next(ec));
  CHECK(p.capacity() <= FrameParser::kept_capacity);
}
