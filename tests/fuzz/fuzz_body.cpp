// decode_body for every message code: the first two input bytes pick the code, the rest is
// the body. Whatever decodes must encode back to the same bytes.
#include <cstdint>

#include "fuzz_check.hpp"
#include "wire/body.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reload::wire;
  if (size < 2) return 0;
  static const DataModelTable models = DataModelTable::with_standard_kinds();
  CodecContext ctx;
  ctx.data_models = &models;
  auto code = static_cast<std::uint16_t>((data[0] << 8) | data[1]);
  Bytes body(data + 2, size - 2);
  auto b = decode_body(code, body, ctx);
  if (!b) return 0;
  auto again = encode_body(*b);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(equal_bytes(*again, body));
  return 0;
}
