#include "config/lexical.hpp"

#include <doctest/doctest.h>

using namespace reload;
using namespace reload::config;
using namespace std::chrono;

TEST_CASE("trim removes XML whitespace only") {
  CHECK(trim("  CHORD-RELOAD \n") == "CHORD-RELOAD");
  CHECK(trim("\t\r\n") == "");
  CHECK(trim("a b") == "a b");
  CHECK(is_blank(" \n "));
  CHECK_FALSE(is_blank(" x "));
}

TEST_CASE("numbers: digits in range, with their refusals") {
  CHECK(parse_unsigned(" 400 ", 1, 1000).value() == 400);
  CHECK(parse_unsigned("+7", 0, 10).value() == 7);
  CHECK(parse_unsigned("0", 0, 0).value() == 0);
  CHECK(parse_unsigned("65534", 0, 65534).value() == 65534);

  auto neg = parse_unsigned("-1", 0, 10);
  REQUIRE_FALSE(neg.has_value());
  CHECK(neg.error().reason.find("negative") != std::string::npos);
  auto big = parse_unsigned("65535", 0, 65534);
  REQUIRE_FALSE(big.has_value());
  CHECK(big.error().reason.find("out of range 0..65534") != std::string::npos);
  auto huge = parse_unsigned("99999999999999999999999", 0, 10);
  REQUIRE_FALSE(huge.has_value());
  CHECK(huge.error().reason.find("out of range") != std::string::npos);
  for (auto bad : {"", "abc", "1e3", "12 3", "0x10", "1.5", "+", "-"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_unsigned(bad, 0, 100).has_value());
  }
  CHECK(parse_unsigned("abc", 0, 1).error().reason == "'abc' is not a number");
}

TEST_CASE("booleans are the four lexical forms of xsd:boolean") {
  CHECK(parse_boolean(" true ").value());
  CHECK(parse_boolean("1").value());
  CHECK_FALSE(parse_boolean("false").value());
  CHECK_FALSE(parse_boolean("0").value());
  CHECK_FALSE(parse_boolean("True").has_value());
  CHECK_FALSE(parse_boolean("yes").has_value());
  CHECK_FALSE(parse_boolean("").has_value());
}

TEST_CASE("RFC 3339 date-times") {
  auto t = parse_date_time("2002-10-10T07:00:00Z").value();
  CHECK(t == sys_days(year{2002} / 10 / 10) + hours(7));
  CHECK(format_date_time(t) == "2002-10-10T07:00:00Z");
  CHECK(parse_date_time("2002-10-10T09:00:00+02:00").value() == t);
  CHECK(parse_date_time("2002-10-10T07:00:00.5Z").value() == t + milliseconds(500));
  CHECK(parse_date_time(" 2030-01-31t12:00:00z ").has_value());

  // Beyond what system_clock holds (1678 to 2262): the far future stays future, the far
  // past stays past.
  CHECK(parse_date_time("9999-12-31T23:59:59Z").value() == system_clock::time_point::max());
  CHECK(parse_date_time("2262-12-31T00:00:00.5Z").value() == system_clock::time_point::max());
  CHECK(parse_date_time("1600-01-01T00:00:00Z").value() == system_clock::time_point::min());
  CHECK(parse_date_time("2262-01-01T00:00:00Z").value() > parse_date_time("2261-01-01T00:00:00Z").value());

  auto no_zone = parse_date_time("2002-10-10T07:00:00");
  REQUIRE_FALSE(no_zone.has_value());
  CHECK(no_zone.error().reason.find("time zone") != std::string::npos);
  for (auto bad : {"2002-13-10T07:00:00Z", "2002-02-30T07:00:00Z", "2002-10-10 07:00:00Z",
                   "2002-10-10T25:00:00Z", "02-10-10T07:00:00Z", "2002-10-10T07:00:00Zjunk", ""}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_date_time(bad).has_value());
  }
}

TEST_CASE("base64 with whitespace, and its refusals") {
  auto b = decode_base64(" VGhpcyBpcyBub3Qg\n  cmlnaHQhCg== ").value();
  CHECK(std::string(b.begin(), b.end()) == "This is not right!\n");
  auto bad_cert = decode_base64("YmFkIGNlcnQK").value();
  CHECK(std::string(bad_cert.begin(), bad_cert.end()) == "bad cert\n");
  CHECK(decode_base64("QQ==").value() == wire::Buffer{'A'});
  CHECK(decode_base64("QUI=").value() == wire::Buffer{'A', 'B'});
  for (auto bad : {"", "QQ", "Q===", "QQ=A", "QQ?=", "@@@@"}) {
    CAPTURE(bad);
    CHECK_FALSE(decode_base64(bad).has_value());
  }
  wire::Buffer all(256);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(i);
  for (std::size_t n : {0u, 1u, 2u, 3u, 100u, 256u}) {
    wire::Bytes part(all.data(), n);
    auto text = encode_base64(part);
    if (n == 0) {
      CHECK(text.empty());
      continue;
    }
    CHECK(decode_base64(text).value() == wire::to_buffer(part));
  }
}

TEST_CASE("Node-IDs are hex of exactly node-id-length bytes") {
  auto id = parse_node_id(" 00112233445566778899AABBCCDDEEFF ", 16).value();
  CHECK(id.hex() == "00112233445566778899aabbccddeeff");
  auto short_id = parse_node_id("47112162e84c69ba", 16);
  REQUIRE_FALSE(short_id.has_value());
  CHECK(short_id.error().reason.find("is 8 bytes") != std::string::npos);
  CHECK_FALSE(parse_node_id("zz112233445566778899aabbccddeeff", 16).has_value());
  CHECK_FALSE(parse_node_id("00112233445566778899aabbccddeeff", 20).has_value());
  CHECK(parse_node_id("00112233445566778899aabbccddeeff00112233", 20).has_value());
}

TEST_CASE("XML escaping") {
  CHECK(escape_xml("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;");
  CHECK(escape_xml("plain") == "plain");
}
