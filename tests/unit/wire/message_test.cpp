#include "wire/message.hpp"

#include <doctest/doctest.h>

#include "hex.hpp"
#include "wire/codec.hpp"

using namespace reload;
using namespace reload::wire;
using reload::test::concat;
using reload::test::hex;

namespace {
const CodecContext ctx{};

// A PingReq with empty padding, unsigned: header + contents + empty security block.
Buffer ping_bytes() {
  return hex(
      "d2454c4f 9aa32b8d 0016 0a 64 c0000000 0000004d 1122334455667788 00000000 0000 0012 0000"
      "01 10 fedcba9876543210fedcba9876543210"
      "0017 00000002 0000 00000000"   // MessageContents (appendix C)
      "0000 00 00 03 0000 0000");    // no certificates, anonymous, identity none, no value
}
}  // namespace

TEST_CASE("a whole message decodes, and its length is the whole size") {
  auto bytes = ping_bytes();
  REQUIRE(bytes.size() == 0x4d);
  DecodeError err;
  auto m = decode_message(bytes, ctx, &err);
  REQUIRE_MESSAGE(m.has_value(), err.message());
  CHECK(m->contents.message_code == static_cast<std::uint16_t>(MessageCode::ping_req));
  CHECK(equal_bytes(m->contents.message_body, hex("0000")));
  CHECK(m->contents.extensions.empty());
  CHECK(equal_bytes(m->encoded_contents, hex("0017 00000002 0000 00000000")));
  CHECK(m->security.signature.identity.identity_type == SignerIdentityType::none);
  CHECK(encode_message(*m).value() == bytes);
}

TEST_CASE("encode_message fills in the length") {
  Message m;
  m.header.overlay = 1;
  m.header.transaction_id = 2;
  m.header.destination_list = {NodeId::wildcard()};
  m.header.length = 12345;  // wrong on purpose: the encoder overwrites it
  Buffer body = hex("0000");
  m.contents.message_code = static_cast<std::uint16_t>(MessageCode::ping_req);
  m.contents.message_body = body;
  Buffer ext = hex("01");
  m.contents.extensions = {MessageExtension{1, true, ext}};
  auto bytes = encode_message(m).value();
  auto back = decode_message(bytes, ctx).value();
  CHECK(back.header.length == bytes.size());
  REQUIRE(back.contents.extensions.size() == 1);
  CHECK(back.contents.extensions[0].critical);
}

TEST_CASE("message rejections") {
  DecodeError err;
  SUBCASE("length field disagrees with the bytes") {
    auto b = ping_bytes();
    b[19] = 0x4e;
    CHECK_FALSE(decode_message(b, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::length_mismatch);
    CHECK(err.offset == 16);
  }
  SUBCASE("trailing garbage after the security block") {
    auto b = concat({ping_bytes(), hex("00")});
    b[19] = 0x4e;  // keep the header's length honest, so only the garbage is wrong
    CHECK_FALSE(decode_message(b, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == 0x4d);
  }
  SUBCASE("a fragment is not a whole message") {
    auto b = ping_bytes();
    b[12] = 0x80;  // not the last fragment
    CHECK_FALSE(decode_message(b, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::fragmented);
  }
  SUBCASE("larger than max-message-size") {
    CodecContext small;
    small.max_message_size = 50;
    CHECK_FALSE(decode_message(ping_bytes(), small, &err).has_value());
    CHECK(err.ec == codec_errc::length_exceeds_limit);
  }
  SUBCASE("message body length overflowing the message") {
    auto b = ping_bytes();
    b[58] = 0xff;  // body length 0xff000002
    CHECK_FALSE(decode_message(b, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 58);
  }
  SUBCASE("message code 0") {
    auto b = ping_bytes();
    b[56] = 0;
    b[57] = 0;
    CHECK_FALSE(decode_message(b, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::invalid_value);
    CHECK(err.offset == 56);
  }
  SUBCASE("every truncation fails") {
    auto full = ping_bytes();
    for (std::size_t n = 0; n < full.size(); ++n)
      CHECK_FALSE(decode_message(Bytes(full.data(), n), ctx).has_value());
  }
}

TEST_CASE("the signature input is overlay || transaction_id || contents || signer identity") {
  const Buffer bytes = ping_bytes();  // the decoded message views these bytes: keep them
  auto m = decode_message(bytes, ctx).value();
  SignerIdentity who;
  who.identity_type = SignerIdentityType::cert_hash;
  who.hash_alg = HashAlgorithm::sha256;
  Buffer h = hex("0102");
  who.hash = h;
  Buffer input;
  append_signature_input(input, m.header.overlay, m.header.transaction_id, m.encoded_contents, who);
  CHECK(input == hex("9aa32b8d 1122334455667788 0017 00000002 0000 00000000 01 0004 04 02 0102"));
}

TEST_CASE("message codes") {
  CHECK(is_request(0x1));
  CHECK(is_response(0x2));
  CHECK(is_response(0xffff));
  CHECK_FALSE(is_request(0xffff));
  CHECK(answer_code(0x7) == 0x8);
  CHECK(std::string(message_code_name(0x1d)) == "app_attach_req");
  CHECK(message_code_name(0x5) == nullptr);
  CHECK(std::string(errc_name(0x5)) == "Error_Generation_Counter_Too_Low");
  CHECK(make_error_code(errc::forbidden).message() == "Error_Forbidden");
}
