#include "transport/ack_window.hpp"

namespace reload::transport {

wire::FramedAck AckWindow::on_data(std::uint32_t n) {
  std::uint32_t received = 0;
  if (highest_) {
    // Section 6.6.2: for each earlier M with N-32 < M < N that was received, bit N-M
    // (counting from the least significant bit 0) is set.
    for (unsigned k = 1; k < 32; ++k) {
      const std::uint32_t m = n - k;
      const std::uint32_t back = *highest_ - m;  // how far m lies behind the highest seen
      if (back < 64 && (window_ >> back) & 1u) received |= 1u << k;
    }
    // Slide the window when this frame is newer than every other.
    const std::uint32_t ahead = n - *highest_;
    if (ahead != 0 && ahead < 0x80000000u) {
      window_ = ahead >= 64 ? 0 : window_ << ahead;
      highest_ = n;
      window_ |= 1;
    } else {
      const std::uint32_t back = *highest_ - n;
      if (back < 64) window_ |= std::uint64_t{1} << back;
    }
  } else {
    highest_ = n;
    window_ = 1;
  }
  return wire::FramedAck{n, received};
}

}  // namespace reload::transport
