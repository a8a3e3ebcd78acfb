#include "wire/security_block.hpp"

#include <doctest/doctest.h>

#include "hex.hpp"
#include "wire/codec.hpp"

using namespace reload;
using namespace reload::wire;
using reload::test::hex;

namespace {
const CodecContext ctx{};
}

TEST_CASE("a signature with a cert_hash identity, byte for byte") {
  // algorithm {sha256(4), rsa(1)}; identity cert_hash(1), length 0x0006:
  // hash_alg sha256(4), certificate_hash<0..2^8-1> = 4 bytes; signature_value<0..2^16-1>.
  auto bytes = hex("04 01  01 0006 04 04 a1a2a3a4  0003 010203");
  auto s = decode_exact<Signature>(bytes, ctx).value();
  CHECK(s.algorithm.hash == HashAlgorithm::sha256);
  CHECK(s.algorithm.signature == SignatureAlgorithm::rsa);
  CHECK(s.identity.identity_type == SignerIdentityType::cert_hash);
  CHECK(s.identity.hash_alg == HashAlgorithm::sha256);
  CHECK(equal_bytes(s.identity.hash, hex("a1a2a3a4")));
  CHECK(equal_bytes(s.signature_value, hex("010203")));
  CHECK(encode_to_buffer(s).value() == bytes);
}

TEST_CASE("the 'none' identity and the anonymous algorithm of synthesized values") {
  auto bytes = hex("00 00  03 0000  0000");
  auto s = decode_exact<Signature>(bytes, ctx).value();
  CHECK(s.identity.identity_type == SignerIdentityType::none);
  CHECK(s.algorithm == SignatureAndHashAlgorithm{});
  CHECK(encode_to_buffer(s).value() == bytes);
}

TEST_CASE("unknown identity types are skipped by their length and kept") {
  auto bytes = hex("04 03  09 0002 beef  0000");
  auto s = decode_exact<Signature>(bytes, ctx).value();
  CHECK(static_cast<int>(s.identity.identity_type) == 9);
  CHECK(equal_bytes(s.identity.unknown_value, hex("beef")));
  CHECK(encode_to_buffer(s).value() == bytes);
}

TEST_CASE("a security block with two certificates") {
  auto bytes = hex("000d  00 0003 aabbcc  00 0004 01020304   04 03 02 0004 04 02 ffee 0001 99");
  auto b = decode_exact<SecurityBlock>(bytes, ctx).value();
  REQUIRE(b.certificates.size() == 2);
  CHECK(equal_bytes(b.certificates[1].certificate, hex("01020304")));
  CHECK(b.signature.identity.identity_type == SignerIdentityType::cert_hash_node_id);
  CHECK(encode_to_buffer(b).value() == bytes);
}

TEST_CASE("security block rejections") {
  DecodeError err;
  SUBCASE("certificate list length counts elements instead of bytes") {
    // Two certificates announced as "2": the bytes do not line up.
    auto bytes = hex("0002  00 0003 aabbcc  00 0004 01020304   04 03 03 0000 0000");
    CHECK_FALSE(decode_exact<SecurityBlock>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
  }
  SUBCASE("identity length smaller than its hash") {
    auto bytes = hex("0000  04 03 01 0002 04 04 a1a2a3a4 0000");
    CHECK_FALSE(decode_exact<SecurityBlock>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
  }
  SUBCASE("identity length larger than its hash") {
    auto bytes = hex("0000  04 03 01 0004 04 01 a1 ff 0000");
    CHECK_FALSE(decode_exact<SecurityBlock>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::trailing_bytes);
  }
  SUBCASE("a 'none' identity that carries bytes") {
    auto bytes = hex("0000  00 00 03 0001 00 0000");
    CHECK_FALSE(decode_exact<SecurityBlock>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::trailing_bytes);
  }
  SUBCASE("identity type 0") {
    auto bytes = hex("0000  00 00 00 0000 0000");
    CHECK_FALSE(decode_exact<SecurityBlock>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::invalid_value);
  }
  SUBCASE("every truncation") {
    auto full = hex("000d  00 0003 aabbcc  00 0004 01020304   04 03 02 0004 04 02 ffee 0001 99");
    for (std::size_t n = 0; n < full.size(); ++n)
      CHECK_FALSE(decode_exact<SecurityBlock>(Bytes(full.data(), n), ctx).has_value());
  }
}
