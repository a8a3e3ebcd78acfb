#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include <doctest/doctest.h>

#include "hex.hpp"

using namespace reload;
using namespace reload::wire;
using reload::test::hex;

TEST_CASE("integers are big-endian") {
  Buffer out;
  Writer w(out);
  w.u8(0x01);
  w.u16(0x0203);
  w.u24(0x040506);
  w.u32(0x0708090a);
  w.u64(0x0b0c0d0e0f101112);
  CHECK(out == hex("01 0203 040506 0708090a 0b0c0d0e0f101112"));

  Reader r(out);
  CHECK(r.u8("a") == 0x01);
  CHECK(r.u16("b") == 0x0203);
  CHECK(r.u24("c") == 0x040506);
  CHECK(r.u32("d") == 0x0708090a);
  CHECK(r.u64("e") == 0x0b0c0d0e0f101112);
  CHECK(r.ok());
  CHECK_FALSE(r.more());
}

TEST_CASE("a read past the end fails once, at the right offset, and stays failed") {
  auto b = hex("00 01 02");
  Reader r(b, 100);
  CHECK(r.u16("first") == 1);
  CHECK(r.u32("second") == 0);
  CHECK_FALSE(r.ok());
  CHECK(r.error().ec == codec_errc::truncated);
  CHECK(r.error().offset == 102);
  CHECK(std::string(r.error().field) == "second");
  // Sticky: later reads stay within bounds and leave the first error as it was.
  (void)r.u8("third");
  CHECK(r.u64("fourth") == 0);
  CHECK_FALSE(r.ok());
  CHECK_FALSE(r.more());
  CHECK(r.error().offset == 102);
  CHECK(r.error().message() == "truncated at byte 102 (second)");
}

TEST_CASE("opaque vectors: the prefix counts bytes, and must fit what is left") {
  SUBCASE("each prefix width") {
    for (int prefix = 1; prefix <= 4; ++prefix) {
      Buffer out;
      Writer w(out);
      Buffer payload{1, 2, 3};
      w.opaque(prefix, payload, "x");
      REQUIRE(out.size() == static_cast<std::size_t>(prefix) + 3);
      CHECK(out[static_cast<std::size_t>(prefix) - 1] == 3);
      Reader r(out);
      auto got = r.opaque(prefix, "x");
      CHECK(r.ok());
      CHECK(equal_bytes(got, payload));
    }
  }
  SUBCASE("a length past the end is truncated") {
    auto b = hex("0005 0102");
    Reader r(b);
    r.opaque(2, "v");
    CHECK(r.error().ec == codec_errc::truncated);
  }
  SUBCASE("a length over the caller's limit") {
    auto b = hex("0003 010203");
    Reader r(b);
    r.opaque(2, "v", 2);
    CHECK(r.error().ec == codec_errc::length_exceeds_limit);
    CHECK(r.error().offset == 0);
  }
  SUBCASE("a value too long for its prefix cannot be encoded") {
    Buffer big(256, 0);
    Buffer out;
    Writer w(out);
    w.opaque(1, big, "small");
    CHECK(w.error() == codec_errc::value_too_long);
    CHECK(std::string(w.failed_field()) == "small");
  }
}

TEST_CASE("nested vectors: a child cursor cannot read past its parent's announced length") {
  // outer<0..2^16-1> holds 3 bytes, but the inner vector claims 5.
  auto b = hex("0003 04 aabbcc  dddddddd");
  Reader r(b);
  Reader outer = r.sub(2, "outer");
  outer.opaque(1, "inner");
  CHECK_FALSE(r.ok());  // the child shares its parent's error
  CHECK(r.error().ec == codec_errc::truncated);
  CHECK(r.error().offset == 2);
}

TEST_CASE("booleans are 0 or 1") {
  auto b = hex("00 01 02");
  Reader r(b);
  CHECK_FALSE(r.boolean("f"));
  CHECK(r.boolean("t"));
  r.boolean("bad");
  CHECK(r.error().ec == codec_errc::invalid_value);
  CHECK(r.error().offset == 2);
}

TEST_CASE("length scopes patch byte counts and refuse overflow") {
  Buffer out;
  Writer w(out);
  {
    auto len = w.length_prefix(2, "list");
    w.u32(0xdeadbeef);
    w.u8(7);
  }
  CHECK(out == hex("0005 deadbeef 07"));

  Buffer out2;
  Writer w2(out2);
  {
    auto len = w2.length_prefix(1, "tiny");
    w2.raw(Buffer(300, 1));
  }
  CHECK(w2.error() == codec_errc::value_too_long);
}

TEST_CASE("expect_end reports trailing bytes") {
  auto b = hex("01 02");
  Reader r(b);
  r.u8("x");
  r.expect_end("end");
  CHECK(r.error().ec == codec_errc::trailing_bytes);
  CHECK(r.error().offset == 1);
}
