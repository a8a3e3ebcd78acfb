#include "wire/ip_address_port.hpp"

#include <doctest/doctest.h>

#include "hex.hpp"
#include "wire/codec.hpp"

using namespace reload;
using namespace reload::wire;
using reload::test::hex;

namespace {
const CodecContext ctx{};

void check_every_truncation_fails(const Buffer& full) {
  for (std::size_t n = 0; n < full.size(); ++n) {
    CAPTURE(n);
    DecodeError err;
    CHECK_FALSE(decode_exact<IpAddressPort>(Bytes(full.data(), n), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
  }
}
}  // namespace

TEST_CASE("the RFC's own example: 192.0.2.1 port 6084") {
  auto bytes = hex("01 06 c0000201 17c4");  // section 6.3.1.1
  auto a = decode_exact<IpAddressPort>(bytes, ctx).value();
  const auto& v4 = std::get<Ipv4AddrPort>(a);
  CHECK(v4.addr == std::array<std::uint8_t, 4>{0xc0, 0x00, 0x02, 0x01});
  CHECK(v4.port == 6084);
  CHECK(to_string(a) == "192.0.2.1:6084");
  CHECK(address_to_string(a) == "192.0.2.1");
  CHECK(port_of(a) == 6084);
  CHECK(encode_to_buffer(a).value() == bytes);
}

TEST_CASE("an IPv6 address has length 18") {
  auto bytes = hex("02 12 20010db8000000000000000000000001 17c4");
  auto a = decode_exact<IpAddressPort>(bytes, ctx).value();
  const auto& v6 = std::get<Ipv6AddrPort>(a);
  CHECK(v6.addr[0] == 0x20);
  CHECK(v6.addr[1] == 0x01);
  CHECK(v6.addr[15] == 0x01);
  CHECK(v6.port == 6084);
  CHECK(to_string(a) == "[2001:db8::1]:6084");
  CHECK(encode_to_buffer(a).value() == bytes);
}

TEST_CASE("an unknown address type is skipped by its length and kept") {
  auto bytes = hex("07 03 aabbcc");
  auto a = decode_exact<IpAddressPort>(bytes, ctx).value();
  const auto& u = std::get<UnknownAddress>(a);
  CHECK(u.type == 7);
  CHECK(equal_bytes(u.data, hex("aabbcc")));
  CHECK(to_string(a) == "unknown(7):aabbcc");
  CHECK(port_of(a) == 0);
  CHECK(encode_to_buffer(a).value() == bytes);
}

TEST_CASE("encode then decode gives the same address") {
  for (const char* text : {"192.0.2.1:6084", "[2001:db8::1]:6084", "0.0.0.0:0",
                           "[::ffff:192.0.2.1]:65535", "[fe80::1:2:3:4]:1"}) {
    CAPTURE(text);
    auto a = ip_address_port_from_string(text);
    REQUIRE(a.has_value());
    CHECK(to_string(*a) == text);
    auto bytes = encode_to_buffer(*a).value();
    auto back = decode_exact<IpAddressPort>(bytes, ctx).value();
    CHECK(back == *a);
  }
}

TEST_CASE("building from text") {
  CHECK(ip_address_port_from("192.0.2.1", 80).value() ==
        IpAddressPort{Ipv4AddrPort{{192, 0, 2, 1}, 80}});
  CHECK(std::holds_alternative<Ipv6AddrPort>(ip_address_port_from("::1", 80).value()));
  CHECK_FALSE(ip_address_port_from("example.org", 80).has_value());
  for (const char* bad : {"192.0.2.1", "192.0.2.1:", "192.0.2.1:65536", "192.0.2.1:-1",
                          "192.0.2.1:+1", "192.0.2.1:80x", "2001:db8::1:6084", "[192.0.2.1]:80",
                          "[2001:db8::1]", "[2001:db8::1:80", "example.org:80", "",
                          "[fe80::1%eth0]:80", "192.0.2:80"}) {
    CAPTURE(bad);
    CHECK_FALSE(ip_address_port_from_string(bad).has_value());
  }
}

TEST_CASE("IpAddressPort rejections") {
  DecodeError err;
  SUBCASE("every truncation of IPv4 and IPv6") {
    check_every_truncation_fails(hex("01 06 c0000201 17c4"));
    check_every_truncation_fails(hex("02 12 20010db8000000000000000000000001 17c4"));
    check_every_truncation_fails(hex("07 03 aabbcc"));
  }
  SUBCASE("IPv4 with length 7, the extra byte present") {
    CHECK_FALSE(decode_exact<IpAddressPort>(hex("01 07 c0000201 17c4 00"), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::invalid_value);
    CHECK(err.offset == 1);
  }
  SUBCASE("IPv4 with length 5") {
    CHECK_FALSE(decode_exact<IpAddressPort>(hex("01 05 c0000201 17"), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::invalid_value);
    CHECK(err.offset == 1);
  }
  SUBCASE("IPv6 with the IPv4 length") {
    CHECK_FALSE(decode_exact<IpAddressPort>(hex("02 06 c0000201 17c4"), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::invalid_value);
    CHECK(err.offset == 1);
  }
  SUBCASE("a length past the end") {
    CHECK_FALSE(decode_exact<IpAddressPort>(hex("01 06 c00002"), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 1);
  }
  SUBCASE("type 0 is invalid") {
    CHECK_FALSE(decode_exact<IpAddressPort>(hex("00 00"), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::invalid_value);
    CHECK(err.offset == 0);
  }
  SUBCASE("trailing bytes") {
    CHECK_FALSE(decode_exact<IpAddressPort>(hex("01 06 c0000201 17c4 ff"), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == 8);
  }
}

TEST_CASE("the encoder refuses an unknown address that claims a known or invalid type") {
  Buffer data = hex("c0000201 17c4");
  CHECK_FALSE(encode_to_buffer(IpAddressPort{UnknownAddress{1, data}}).has_value());
  CHECK_FALSE(encode_to_buffer(IpAddressPort{UnknownAddress{0, data}}).has_value());
  Buffer long_data(256, 0);
  CHECK(encode_to_buffer(IpAddressPort{UnknownAddress{9, long_data}}).error() ==
        codec_errc::value_too_long);
}
