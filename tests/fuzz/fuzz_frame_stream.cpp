// The framing stream parser on arbitrary bytes delivered in arbitrary pieces (the first byte
// picks the piece size): frames must come out the same however the stream is cut.
#include <cstdint>
#include <vector>

#include "fuzz_check.hpp"
#include "wire/codec.hpp"
#include "wire/framing.hpp"

namespace {
std::vector<reload::wire::Buffer> cut(reload::wire::Bytes stream, std::size_t piece, bool& broken) {
  using namespace reload::wire;
  FrameParser p(1 << 16);
  std::vector<Buffer> frames;
  boost::system::error_code ec;
  broken = false;
  for (std::size_t at = 0; at < stream.size() && !broken; at += piece) {
    p.put(stream.subspan(at, std::min(piece, stream.size() - at)));
    while (auto f = p.next(ec)) frames.push_back(encode_to_buffer(*f).value());
    broken = static_cast<bool>(ec);
  }
  return frames;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::size_t piece = 1 + data[0] % 64;
  reload::wire::Bytes stream(data + 1, size - 1);
  bool broken_a = false, broken_b = false;
  auto a = cut(stream, piece, broken_a);
  auto b = cut(stream, stream.size() + 1, broken_b);
  FUZZ_CHECK(broken_a == broken_b);
  FUZZ_CHECK(a == b);
  return 0;
}
