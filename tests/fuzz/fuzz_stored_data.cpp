// A StoredData as the storage layer keeps it and as Fetch answers carry it, decoded with
// each data model (the first byte picks it): never crash, and re-encode what decodes.
#include <cstdint>

#include "fuzz_check.hpp"
#include "wire/codec.hpp"
#include "wire/stored_data.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reload::wire;
  if (size < 1) return 0;
  auto model = static_cast<DataModel>(1 + data[0] % 3);
  Bytes in(data + 1, size - 1);
  auto d = decode_stored_data(in, model, CodecContext{});
  if (!d) return 0;
  auto again = encode_to_buffer(*d);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(equal_bytes(*again, in));
  return 0;
}
