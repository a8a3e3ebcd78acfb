// decode_message on arbitrary bytes: it must never crash or read out of bounds, and whatever
// it accepts must encode back to exactly the same bytes (the codec is canonical), and so
// must the body decoded by its message code.
#include <cstdint>

#include "fuzz_check.hpp"
#include "wire/body.hpp"
#include "wire/message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reload::wire;
  static const DataModelTable models = DataModelTable::with_standard_kinds();
  CodecContext ctx;
  ctx.max_message_size = 1 << 20;
  ctx.data_models = &models;
  Bytes in(data, size);
  auto m = decode_message(in, ctx);
  if (!m) return 0;
  auto again = encode_message(*m);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(equal_bytes(*again, in));
  if (auto body = decode_body(m->contents.message_code, m->contents.message_body, ctx)) {
    auto body_again = encode_body(*body);
    FUZZ_CHECK(body_again.has_value());
    FUZZ_CHECK(equal_bytes(*body_again, m->contents.message_body));
  }
  return 0;
}
