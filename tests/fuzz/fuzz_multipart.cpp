// The multipart/form-data parser of the enrollment server (src/config/multipart.hpp): its
// input is an HTTP body from anyone who can reach the server.
//
// Input: the Content-Type header value, a newline, then the body. Properties: no crash and
// no read outside the input; a parsed form respects every limit; and what parses, encoded
// again with the same boundary, parses to the same parts (names, types, filenames, bytes).
#include <cstdint>
#include <string>
#include <string_view>

#include "config/multipart.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reload::config;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t nl = input.find('\n');
  if (nl == std::string_view::npos) return 0;
  std::string_view content_type = input.substr(0, nl);
  std::string_view body = input.substr(nl + 1);

  FormLimits limits;
  auto parts = parse_form(content_type, body, limits);
  if (!parts) {
    FUZZ_CHECK(!parts.error().reason.empty());
    return 0;
  }
  FUZZ_CHECK(parts->size() <= limits.max_parts);
  FUZZ_CHECK(body.size() <= limits.max_body_bytes);
  for (const auto& p : *parts) {
    FUZZ_CHECK(!p.name.empty());
    FUZZ_CHECK(p.body.size() <= limits.max_part_bytes);
    FUZZ_CHECK(body.find(p.body) != std::string_view::npos);  // content is the input's bytes
    if (limits.unique_names) FUZZ_CHECK(find_part(*parts, p.name) == &p);
  }

  // Round trip, with the boundary the input used (recovered from a form we write).
  for (const char* boundary : {"fuzz-boundary-0123456789abcdef", "B"}) {
    auto again = encode_form(*parts, boundary);
    if (!again) continue;  // a part holds the boundary, or a name that cannot be written back
    auto back = parse_form(again->content_type, again->body, limits);
    if (!back) {
      // Only the size limits may refuse what was accepted: the encoding adds headers.
      FUZZ_CHECK(again->body.size() > limits.max_body_bytes || back.error().reason == "part headers too large");
      continue;
    }
    FUZZ_CHECK(back->size() == parts->size());
    for (std::size_t i = 0; i < parts->size(); ++i) {
      FUZZ_CHECK((*back)[i].name == (*parts)[i].name);
      FUZZ_CHECK((*back)[i].content_type == (*parts)[i].content_type);
      FUZZ_CHECK((*back)[i].filename == (*parts)[i].filename);
      FUZZ_CHECK((*back)[i].body == (*parts)[i].body);
    }
  }
  return 0;
}
