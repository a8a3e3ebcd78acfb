#include "config/multipart.hpp"

#include <doctest/doctest.h>

using namespace reload::config;
using namespace std::string_literals;

namespace {
// What curl 7.88 sends for
//   curl -F username=alice -F password=secret -F nodeids=2 -F "csr=@c.der;type=application/pkcs10"
// (captured with --trace; the CSR shortened to a few bytes, one of them NUL).
const std::string curl_type = "multipart/form-data; boundary=------------------------d74496d66958873e";
const std::string curl_body =
    "--------------------------d74496d66958873e\r\n"
    "Content-Disposition: form-data; name=\"username\"\r\n"
    "\r\n"
    "alice\r\n"
    "--------------------------d74496d66958873e\r\n"
    "Content-Disposition: form-data; name=\"password\"\r\n"
    "\r\n"
    "secret\r\n"
    "--------------------------d74496d66958873e\r\n"
    "Content-Disposition: form-data; name=\"nodeids\"\r\n"
    "\r\n"
    "2\r\n"
    "--------------------------d74496d66958873e\r\n"
    "Content-Disposition: form-data; name=\"csr\"; filename=\"c.der\"\r\n"
    "Content-Type: application/pkcs10\r\n"
    "\r\n"
    "\x30\x82\r\n\x00\x01--\r\n"
    "--------------------------d74496d66958873e--\r\n"s;  // s: the body holds a NUL byte

const std::string B = "multipart/form-data; boundary=B";

std::string part(std::string_view name, std::string_view body, std::string_view extra_headers = "") {
  return "--B\r\nContent-Disposition: form-data; name=\"" + std::string(name) + "\"\r\n" + std::string(extra_headers) +
         "\r\n" + std::string(body) + "\r\n";
}

std::string reason(std::string_view type, std::string_view body, const FormLimits& limits = {}) {
  auto r = parse_form(type, body, limits);
  REQUIRE_FALSE(r.has_value());
  return r.error().reason;
}
}  // namespace

TEST_CASE("curl's wire format parses, binary bodies intact") {
  auto parts = parse_form(curl_type, curl_body).value();
  REQUIRE(parts.size() == 4);
  CHECK(parts[0].name == "username");
  CHECK(parts[0].body == "alice");
  CHECK(parts[0].content_type.empty());
  CHECK_FALSE(parts[0].filename.has_value());
  CHECK(parts[1].body == "secret");
  CHECK(parts[2].body == "2");
  CHECK(parts[3].name == "csr");
  CHECK(parts[3].filename == "c.der");
  CHECK(parts[3].content_type == "application/pkcs10");
  CHECK(parts[3].body == std::string("\x30\x82\r\n\x00\x01--", 8));
  CHECK(find_part(parts, "csr") == &parts[3]);
  CHECK(find_part(parts, "nothing") == nullptr);
}

TEST_CASE("what browsers and other clients send parses too") {
  // Quoted boundary, upper-case type, parameters in any case, spaces around ';'.
  std::string body = part("a", "1") + part("b", "2", "content-type: text/plain; charset=UTF-8\r\n") + "--B--\r\n";
  auto parts = parse_form("Multipart/Form-Data ; charset=utf-8; BOUNDARY=\"B\"", body).value();
  REQUIRE(parts.size() == 2);
  CHECK(parts[1].content_type == "text/plain; charset=UTF-8");
  // A preamble and an epilogue are ignored (RFC 2046), transport padding after a delimiter too.
  auto padded = parse_form(B, "preamble\r\n--B  \t\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--B--\r\nepilogue")
                    .value();
  REQUIRE(padded.size() == 1);
  CHECK(padded[0].body == "1");
  // Headers RFC 7578 says to ignore are ignored; identity transfer encodings are fine.
  auto extra = parse_form(B, part("a", "1", "X-Whatever: yes\r\nContent-Transfer-Encoding: binary\r\n") + "--B--").value();
  CHECK(extra[0].body == "1");
  // A quoted filename with an escaped quote (curl escapes '"' that way).
  auto f = parse_form(B, "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\\\"b.der\"\r\n\r\nx\r\n--B--")
               .value();
  CHECK(f[0].filename == "a\"b.der");
  // An empty form and an empty value.
  CHECK(parse_form(B, "--B--\r\n").value().empty());
  CHECK(parse_form(B, part("a", "") + "--B--").value()[0].body.empty());
}

TEST_CASE("content that looks like a boundary but is not one stays content") {
  // The delimiter is CRLF "--B" at the start of a line: "--B" inside a line, "-B" after
  // CRLF, and the boundary without its dashes are all content.
  std::string tricky = "x--B\r\n-B\r\nB\r\n\r\n--\r\n-";
  auto parts = parse_form(B, part("a", tricky) + "--B--\r\n").value();
  REQUIRE(parts.size() == 1);
  CHECK(parts[0].body == tricky);
  // The boundary split over the parts of a longer one: boundary "BB" with "--B" in content.
  auto bb = parse_form("multipart/form-data; boundary=BB",
                       "--BB\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\r\n--B\r\n--BB--")
                .value();
  CHECK(bb[0].body == "\r\n--B");
}

TEST_CASE("encode and parse are inverse") {
  std::vector<FormPart> in{{"a\"q\\", "", std::nullopt, "1"},
                           {"b", "application/pkcs10", std::string("x.der"), "\r\n--\r\n\0"s},
                           {"c", "", std::nullopt, ""}};
  auto boundary = random_boundary();
  CHECK(boundary.size() == 44);
  CHECK(random_boundary() != boundary);
  auto form = encode_form(in, boundary).value();
  CHECK(form.content_type == "multipart/form-data; boundary=" + boundary);
  auto out = parse_form(form.content_type, form.body).value();
  REQUIRE(out.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(out[i].name == in[i].name);
    CHECK(out[i].content_type == in[i].content_type);
    CHECK(out[i].filename == in[i].filename);
    CHECK(out[i].body == in[i].body);
  }
}

TEST_CASE("encode refuses what it could not write back") {
  CHECK_FALSE(encode_form({{"a", "", std::nullopt, "x--Bx"}}, "B").has_value());  // boundary in content
  CHECK_FALSE(encode_form({{"a\r\nX: y", "", std::nullopt, "x"}}, "B").has_value());
  CHECK_FALSE(encode_form({{"a\x01", "", std::nullopt, "x"}}, "B").has_value());
  CHECK_FALSE(encode_form({{"a", "", std::string("f\tg\x7f"), "x"}}, "B").has_value());
  CHECK_FALSE(encode_form({{"a", "not a type", std::nullopt, "x"}}, "B").has_value());
  CHECK_FALSE(encode_form({{"", "", std::nullopt, "x"}}, "B").has_value());
  CHECK_FALSE(encode_form({{"a", "text/plain\r\n", std::nullopt, "x"}}, "B").has_value());
  CHECK_FALSE(encode_form({}, "").has_value());
  CHECK_FALSE(encode_form({}, std::string(71, 'b')).has_value());
  CHECK_FALSE(encode_form({}, "bad\"boundary").has_value());
  CHECK(encode_form({}, std::string(70, 'b')).has_value());
}

TEST_CASE("the Content-Type must be multipart/form-data with a valid boundary") {
  CHECK(reason("application/x-www-form-urlencoded", "a=b") == "not multipart/form-data");
  CHECK(reason("multipart/mixed; boundary=B", "--B--") == "not multipart/form-data");
  CHECK(reason("", "--B--") == "not multipart/form-data");
  CHECK(reason("multipart/form-data", curl_body) == "no valid boundary");
  CHECK(reason("multipart/form-data; boundary=", "--B--") == "not multipart/form-data");  // empty token
  CHECK(reason("multipart/form-data; boundary=\"\"", "--B--") == "no valid boundary");
  CHECK(reason("multipart/form-data; boundary=\"" + std::string(71, 'x') + "\"", "--B--") == "no valid boundary");
  CHECK(reason("multipart/form-data; boundary=\"ends in space \"", "--B--") == "no valid boundary");
  CHECK(reason("multipart/form-data; boundary=\"a{b\"", "--B--") == "no valid boundary");
  CHECK(reason("multipart/form-data; boundary=B; boundary=C", "--B--") == "not multipart/form-data");  // twice
  CHECK(reason("multipart/form-data; boundary=\"B", "--B--") == "not multipart/form-data");  // unterminated
  CHECK(reason("multipart/form-data; boundary=zzz", curl_body) == "no boundary in the body");
}

TEST_CASE("malformed bodies are refused with a reason") {
  // Truncated anywhere: never accepted.
  for (std::size_t n = 0; n + 1 < curl_body.size(); ++n) {
    CAPTURE(n);
    auto r = parse_form(curl_type, std::string_view(curl_body).substr(0, n));
    if (r) CHECK(n >= curl_body.size() - 2);  // only the final CRLF is optional
  }
  CHECK(reason(B, part("a", "1")) == "part does not end");
  CHECK(reason(B, "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n") == "part headers do not end");
  CHECK(reason(B, "--Bx\r\n" + part("a", "1") + "--B--") == "malformed boundary line");
  CHECK(reason(B, part("a", "1") + "--B junk\r\n--B--") == "malformed boundary line");
  CHECK(reason(B, "--B\r\n\r\nvalue\r\n--B--") == "part without Content-Disposition");
  CHECK(reason(B, "--B\r\nContent-Type: text/plain\r\n\r\nvalue\r\n--B--") == "part without Content-Disposition");
}

TEST_CASE("part headers are strict") {
  auto with_headers = [](std::string headers) { return "--B\r\n" + headers + "\r\nv\r\n--B--\r\n"; };
  const std::string cd = "Content-Disposition: form-data; name=\"a\"\r\n";
  CHECK(reason(B, with_headers("Content-Disposition: form-data; x=\"y\"\r\n")) == "part has no name");
  CHECK(reason(B, with_headers("Content-Disposition: form-data; name=\"\"\r\n")) == "part has no name");
  CHECK(reason(B, with_headers("Content-Disposition: attachment; name=\"a\"\r\n")) == "part is not form-data");
  CHECK(reason(B, with_headers("Content-Disposition: form-data; name=\"a\"; name=\"b\"\r\n")) ==
        "malformed Content-Disposition");
  CHECK(reason(B, with_headers("Content-Disposition: form-data; name\r\n")) == "malformed Content-Disposition");
  CHECK(reason(B, with_headers("Content-Disposition: form-data; name=a b\r\n")) == "malformed Content-Disposition");
  CHECK(reason(B, with_headers(cd + cd)) == "two Content-Disposition headers in a part");
  CHECK(reason(B, with_headers(cd + "Content-Type: a/b\r\nContent-Type: a/b\r\n")) ==
        "two Content-Type headers in a part");
  CHECK(reason(B, with_headers(cd + "Content-Type: nonsense\r\n")) == "malformed part Content-Type");
  CHECK(reason(B, with_headers(cd + "Content-Transfer-Encoding: base64\r\n")) == "unsupported Content-Transfer-Encoding");
  CHECK(reason(B, with_headers(cd + " folded: line\r\n")) == "folded part header line");
  CHECK(reason(B, with_headers(cd + "No colon\r\n")) == "malformed part header line");
  CHECK(reason(B, with_headers(cd + "Bad name: x\r\n")) == "malformed part header line");
  CHECK(reason(B, with_headers(cd + "X: a\rb\r\n")) == "control character in a part header");
  CHECK(reason(B, with_headers(cd + "X: a\nb\r\n")) == "control character in a part header");
  CHECK(reason(B, with_headers("Content-Disposition: form-data; name=\"a\x01\"\r\n")) ==
        "control character in a part header");
  CHECK(reason(B, with_headers("Content-Disposition: form-data; name=\"" + std::string(300, 'n') + "\"\r\n")) ==
        "part name too long");
}

TEST_CASE("limits: body, parts, header bytes and lines, part size, repeated names") {
  std::string many;
  for (int i = 0; i < 17; ++i) many += part("p" + std::to_string(i), "v");
  CHECK(reason(B, many + "--B--\r\n") == "too many parts");
  FormLimits small;
  small.max_parts = 2;
  CHECK(reason(B, part("a", "1") + part("b", "2") + part("c", "3") + "--B--", small) == "too many parts");

  CHECK(reason(B, part("p", "v", "X: " + std::string(2000, 'x') + "\r\n") + "--B--") == "part headers too large");
  std::string lines;
  for (int i = 0; i < 8; ++i) lines += "X-" + std::to_string(i) + ": y\r\n";
  CHECK(reason(B, part("p", "v", lines) + "--B--") == "too many part header lines");
  CHECK(parse_form(B, part("p", "v", lines.substr(0, lines.size() - 8)) + "--B--").has_value());  // 7 + 1 lines

  CHECK(reason(B, part("p", std::string(32 * 1024 + 1, 'v')) + "--B--") == "part too large");
  CHECK(parse_form(B, part("p", std::string(32 * 1024, 'v')) + "--B--").has_value());
  CHECK(reason(B, std::string(64 * 1024 + 1, 'x')) == "form too large");

  CHECK(reason(B, part("a", "1") + part("a", "2") + "--B--") == "field 'a' given twice");
  FormLimits repeat;
  repeat.unique_names = false;
  auto twice = parse_form(B, part("a", "1") + part("a", "2") + "--B--", repeat).value();
  REQUIRE(twice.size() == 2);
  CHECK(find_part(twice, "a")->body == "1");
}
