// The XmppLocation record of XEP-0415, as fetched from any peer of the overlay: never crash,
// and re-encode what decodes to the same bytes.
#include <cstdint>

#include "fuzz_check.hpp"
#include "wire/codec.hpp"
#include "wire/xmpp_location.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reload::wire;
  Bytes in(data, size);
  auto loc = decode_exact<XmppLocation>(in, CodecContext{});
  if (!loc) return 0;
  auto again = encode_to_buffer(*loc);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(equal_bytes(*again, in));
  return 0;
}
