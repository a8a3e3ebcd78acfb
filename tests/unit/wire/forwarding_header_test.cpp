#include "wire/forwarding_header.hpp"

#include <doctest/doctest.h>

#include "hex.hpp"
#include "wire/codec.hpp"

using namespace reload;
using namespace reload::wire;
using reload::test::hex;

namespace {
const CodecContext ctx{};

// rfc6940-reference.txt appendix C: a PingReq's header, 38 bytes then one node destination.
const char* ping_header =
    "d2454c4f 9aa32b8d 0016 0a 64 c0000000 0000016f 1122334455667788 00000000 0000 0012 0000"
    "01 10 fedcba9876543210fedcba9876543210";
}  // namespace

TEST_CASE("the appendix C header decodes field by field") {
  auto bytes = hex(ping_header);
  auto h = decode_exact<ForwardingHeader>(bytes, ctx);
  REQUIRE(h.has_value());
  CHECK(h->overlay == 0x9aa32b8du);
  CHECK(h->configuration_sequence == 22);
  CHECK(h->version == 0x0a);
  CHECK(h->ttl == 100);
  CHECK(h->fragment == 0xc0000000u);
  CHECK(h->is_whole());
  CHECK(h->length == 367);
  CHECK(h->transaction_id == 0x1122334455667788ull);
  CHECK(h->max_response_length == 0);
  CHECK(h->via_list.empty());
  REQUIRE(h->destination_list.size() == 1);
  CHECK(std::get<NodeId>(h->destination_list[0]).hex() == "fedcba9876543210fedcba9876543210");
  CHECK(h->options.empty());
  CHECK(encode_to_buffer(*h).value() == bytes);
}

TEST_CASE("via list, options and fragment bits round-trip") {
  ForwardingHeader h;
  h.overlay = 0x01020304;
  h.configuration_sequence = 65535;
  h.ttl = 3;
  h.fragment = fragment_must_be_set | 0x000400;  // not last, offset 1024
  h.length = 2000;
  h.transaction_id = 42;
  h.max_response_length = 9000;
  h.via_list = {*NodeId::from_hex("000102030405060708090a0b0c0d0e0f"), CompressedId{0x8765}};
  h.destination_list = {*NodeId::from_hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"),
                        ResourceId(hex("abcdef"))};
  Buffer opt = hex("cafe");
  h.options = {ForwardingOption{1, option_flags::forward_critical, opt}};
  auto bytes = encode_to_buffer(h).value();
  CHECK(bytes.size() == fixed_header_size + 18 + 2 + 18 + 6 + 6);
  auto back = decode_exact<ForwardingHeader>(bytes, ctx).value();
  CHECK_FALSE(back.is_last_fragment());
  CHECK(back.fragment_offset() == 0x400);
  CHECK(back.via_list.size() == 2);
  CHECK(back.destination_list.size() == 2);
  REQUIRE(back.options.size() == 1);
  CHECK(back.options[0].flags == option_flags::forward_critical);
  CHECK(equal_bytes(back.options[0].option, opt));
  CHECK(encode_to_buffer(back).value() == bytes);
}

TEST_CASE("header rejections name the field and the offset") {
  DecodeError err;
  SUBCASE("wrong token") {
    auto b = hex(ping_header);
    b[0] = 0x52;
    CHECK_FALSE(decode_exact<ForwardingHeader>(b, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::bad_relo_token);
    CHECK(err.offset == 0);
  }
  SUBCASE("draft-era version 0x01") {
    auto b = hex(ping_header);
    b[10] = 0x01;
    CHECK_FALSE(decode_exact<ForwardingHeader>(b, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::unsupported_version);
    CHECK(err.offset == 10);
  }
  SUBCASE("fragment top bit clear") {
    auto b = hex(ping_header);
    b[12] = 0x40;
    CHECK_FALSE(decode_exact<ForwardingHeader>(b, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::bad_fragment_field);
  }
  SUBCASE("truncated anywhere in the fixed part or the lists") {
    auto full = hex(ping_header);
    for (std::size_t n = 0; n < full.size(); ++n) {
      Bytes cut(full.data(), n);
      CHECK_FALSE(decode_exact<ForwardingHeader>(cut, ctx, &err).has_value());
      CHECK(err.ec == codec_errc::truncated);
    }
  }
  SUBCASE("destination list length larger than the bytes") {
    auto b = hex(ping_header);
    b[35] = 0x13;  // destination_list_length 19, one more than there is
    CHECK_FALSE(decode_exact<ForwardingHeader>(b, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
  }
  SUBCASE("an empty destination list") {
    auto b = hex("d2454c4f 9aa32b8d 0016 0a 64 c0000000 0000016f 1122334455667788 00000000 0000 0000 0000");
    CHECK_FALSE(decode_exact<ForwardingHeader>(b, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::invalid_value);
  }
  SUBCASE("an option whose length runs past the options") {
    auto b = hex(
        "d2454c4f 9aa32b8d 0016 0a 64 c0000000 0000016f 1122334455667788 00000000 0000 0012 0005"
        "01 10 fedcba9876543210fedcba9876543210 01 00 0009 00");
    CHECK_FALSE(decode_exact<ForwardingHeader>(b, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
  }
}
