#include "wire/header_view.hpp"

#include <doctest/doctest.h>

#include "hex.hpp"
#include "wire/message.hpp"

using namespace reload;
using namespace reload::wire;
using reload::test::hex;

namespace {
const CodecContext ctx{};

NodeId node(const char* h) { return *NodeId::from_hex(h); }

Buffer sample_message(DestinationList dest, DestinationList via = {}) {
  Message m;
  m.header.overlay = 0x9aa32b8d;
  m.header.ttl = 7;
  m.header.transaction_id = 0x0102030405060708;
  m.header.via_list = std::move(via);
  m.header.destination_list = std::move(dest);
  static const Buffer body = hex("0000");
  m.contents.message_code = 0x17;
  m.contents.message_body = body;
  return encode_message(m).value();
}
}  // namespace

TEST_CASE("peek reads the header without decoding the body") {
  auto a = node("000102030405060708090a0b0c0d0e0f");
  auto b = node("101112131415161718191a1b1c1d1e1f");
  auto msg = sample_message({a, b});
  auto h = peek_header(msg).value();
  CHECK(h.ttl == 7);
  CHECK(h.transaction_id == 0x0102030405060708ull);
  CHECK(h.destination_count() == 2);
  CHECK(h.is_whole());
  CHECK(std::get<NodeId>(decode_first_destination(h, ctx).value()) == a);
}

TEST_CASE("forwarding: pop the first destination, push the previous hop onto the via list") {
  auto self = node("000102030405060708090a0b0c0d0e0f");
  auto next = node("101112131415161718191a1b1c1d1e1f");
  auto prev = node("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
  auto msg = sample_message({self, next});
  auto h = peek_header(msg).value();
  Buffer via = encode_destination(prev);
  Buffer out;
  REQUIRE_FALSE(rewrite_header(msg, h, ForwardEdit{1, via, true}, out));

  auto m = decode_message(out, ctx).value();  // lengths all consistent again
  CHECK(m.header.ttl == 6);
  REQUIRE(m.header.via_list.size() == 1);
  CHECK(std::get<NodeId>(m.header.via_list[0]) == prev);
  REQUIRE(m.header.destination_list.size() == 1);
  CHECK(std::get<NodeId>(m.header.destination_list[0]) == next);
  CHECK(m.header.length == out.size());
  CHECK(m.contents.message_code == 0x17);

  // A second hop appends after the first via entry and reuses the buffer.
  auto h2 = peek_header(out).value();
  Buffer out2;
  Buffer via2 = encode_destination(self);
  REQUIRE_FALSE(rewrite_header(out, h2, ForwardEdit{0, via2, true}, out2));
  auto m2 = decode_message(out2, ctx).value();
  REQUIRE(m2.header.via_list.size() == 2);
  CHECK(std::get<NodeId>(m2.header.via_list[1]) == self);
  CHECK(m2.header.ttl == 5);
}

TEST_CASE("rewrite refusals") {
  auto a = node("000102030405060708090a0b0c0d0e0f");
  auto msg = sample_message({a});
  auto h = peek_header(msg).value();
  Buffer out;
  CHECK(rewrite_header(msg, h, ForwardEdit{1, {}, true}, out) == codec_errc::invalid_value);
  CHECK(rewrite_header(msg, h, ForwardEdit{2, {}, true}, out) == codec_errc::invalid_value);
  h.ttl = 0;
  CHECK(rewrite_header(msg, h, ForwardEdit{0, {}, true}, out) == errc::ttl_exceeded);
}

TEST_CASE("peek rejections") {
  auto msg = sample_message({node("000102030405060708090a0b0c0d0e0f")});
  DecodeError err;
  SUBCASE("every truncation") {
    for (std::size_t n = 0; n < msg.size(); ++n)
      CHECK_FALSE(peek_header(Bytes(msg.data(), n)).has_value());
  }
  SUBCASE("length field disagrees") {
    msg[19] ^= 1;
    CHECK_FALSE(peek_header(msg, &err).has_value());
    CHECK(err.ec == codec_errc::length_mismatch);
  }
  SUBCASE("a destination cut in half by the list length") {
    msg[35] = 17;  // 17 of the 18 bytes of the node destination
    CHECK_FALSE(peek_header(msg, &err).has_value());
  }
  SUBCASE("bad token and version") {
    auto b = msg;
    b[1] = 0;
    CHECK(peek_header(b, &err).error() == codec_errc::bad_relo_token);
    b = msg;
    b[10] = 1;
    CHECK(peek_header(b, &err).error() == codec_errc::unsupported_version);
  }
}
