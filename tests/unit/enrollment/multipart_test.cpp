#include "config/multipart.hpp"

#include <doctest/doctest.h>

using namespace reload::config;
using namespace std::string_literals;

namespace {
// What curl -F username=alice -F "csr=@c.der;type=application/pkcs10" sends.
const std::string curl_type = "multipart/form-data; boundary=------------------------d74496d66958873e";
const std::string curl_body =
    "--------------------------d74496d66958873e\r\n"
    "Content-Disposition: form-data; name=\"username\"\r\n"
    "\r\n"
    "alice\r\n"
    "--------------------------d74496d66958873e\r\n"
    "Content-Disposition: form-data; name=\"csr\"; filename=\"c.der\"\r\n"
    "Content-Type: application/pkcs10\r\n"
    "\r\n"
    "\x30\x82\r\n\x00\x01--\r\n"
    "--------------------------d74496d66958873e--\r\n"s;  // s: the body holds a NUL byte
}  // namespace

TEST_CASE("curl's wire format parses, binary bodies intact") {
  auto parts = parse_form(curl_type, curl_body).value();
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].name == "username");
  CHECK(parts[0].body == "alice");
  CHECK(parts[1].name == "csr");
  CHECK(parts[1].filename == "c.der");
  CHECK(parts[1].content_type == "application/pkcs10");
  CHECK(parts[1].body == std::string("\x30\x82\r\n\x00\x01--", 8));
  CHECK(find_part(parts, "csr") == &parts[1]);
  CHECK(find_part(parts, "password") == nullptr);
}

TEST_CASE("encode and parse are inverse, with a quoted boundary and a preamble") {
  std::vector<FormPart> in{{"a", "", std::nullopt, "1"}, {"b", "application/pkcs10", std::string("x.der"), "\r\n--\r\n"}};
  auto form = encode_form(in, "b0undary");
  auto out = parse_form(form.content_type, "preamble\r\n" + form.body).value();
  REQUIRE(out.size() == 2);
  CHECK(out[1].body == "\r\n--\r\n");
  auto quoted = parse_form("multipart/form-data; boundary=\"b0undary\"", form.body).value();
  CHECK(quoted.size() == 2);
}

TEST_CASE("malformed forms are refused with a reason") {
  CHECK_FALSE(parse_form("application/x-www-form-urlencoded", "a=b").has_value());
  CHECK_FALSE(parse_form("multipart/form-data", curl_body).has_value());                // no boundary
  CHECK_FALSE(parse_form("multipart/form-data; boundary=zzz", curl_body).has_value());  // wrong boundary
  auto truncated = curl_body.substr(0, curl_body.size() - 50);
  CHECK_FALSE(parse_form(curl_type, truncated).has_value());
  std::string no_name = curl_body;
  no_name.replace(no_name.find("name=\"username\""), 15, "x=\"y\"");
  CHECK(parse_form(curl_type, no_name).error().reason == "part has no name");
  std::string many;
  for (int i = 0; i < 20; ++i) many += "--B\r\nContent-Disposition: form-data; name=\"p\"\r\n\r\nv\r\n";
  many += "--B--\r\n";
  CHECK(parse_form("multipart/form-data; boundary=B", many).error().reason == "too many parts");
  std::string huge_header = "--B\r\nContent-Disposition: form-data; name=\"p\"\r\nX: " + std::string(2000, 'x') +
                            "\r\n\r\nv\r\n--B--\r\n";
  CHECK(parse_form("multipart/form-data; boundary=B", huge_header).error().reason == "part headers too large");
}
