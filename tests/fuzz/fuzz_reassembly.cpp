// The reassembler fed arbitrary fragments (the input is a sequence of u16-length-prefixed
// chunks): it must never crash, never hold more than its bound, and anything it returns must
// be a whole message by peek_header's judgement.
#include <cstdint>

#include "fuzz_check.hpp"
#include "wire/fragmentation.hpp"
#include "wire/header_view.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reload::wire;
  Reassembler r(ReassemblyLimits{8000, 20000, std::chrono::milliseconds(15000)});
  auto now = Reassembler::Clock::time_point{};
  std::size_t at = 0;
  while (at + 2 <= size) {
    std::size_t n = (std::size_t{data[at]} << 8) | data[at + 1];
    at += 2;
    n = std::min(n, size - at);
    boost::system::error_code ec;
    auto whole = r.add(Bytes(data + at, n), now, ec);
    FUZZ_CHECK(r.bytes_held() <= 20000);
    if (whole) {
      auto h = peek_header(*whole);
      FUZZ_CHECK(h.has_value());
      FUZZ_CHECK(h->is_whole());
    }
    at += n;
    now += std::chrono::milliseconds(1000);
    r.expire(now);
  }
  return 0;
}
