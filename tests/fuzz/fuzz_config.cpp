// The overlay configuration document (RFC 6940 section 11.1), as fetched from a
// configuration server or read from a file: never crash, never read outside the input, and
// keep the exact-bytes promises the signatures rely on.
#include <cstdint>
#include <string>
#include <string_view>

#include "config/overlay_document.hpp"
#include "config/selection.hpp"
#include "config/signature_check.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reload::config;
  std::string_view xml(reinterpret_cast<const char*>(data), size);

  // Strict (a joining node) and tolerant (an inspecting tool) readings.
  auto strict = parse_overlay_document(xml, "fuzz.xml");
  if (!strict) FUZZ_CHECK(!strict.error().to_string().empty());

  ParseOptions tolerant;
  tolerant.tolerate_placeholders = true;
  tolerant.supported_extensions = {"urn:ietf:params:xml:ns:p2p:config-ext1"};
  auto doc = parse_overlay_document(xml, "fuzz.xml", tolerant);
  if (!doc) return 0;

  for (const auto& sc : doc->configurations) {
    // What <signature> signs is exactly the input's bytes at that offset.
    FUZZ_CHECK(sc.offset + sc.text.size() <= xml.size());
    FUZZ_CHECK(xml.substr(sc.offset, sc.text.size()) == sc.text);
    for (const auto& k : sc.config.kinds) FUZZ_CHECK(sc.text.find(k.signed_text) != std::string::npos);
    // Signature blocks are arbitrary bytes here: decoding them must fail cleanly.
    (void)verify_signed_configuration(sc);
    SelectOptions o;
    o.verify_signatures = false;
    (void)select_configuration(*doc, sc.config.instance_name, o);
  }
  return 0;
}
