// The receiving side of RFC 6940's framing header (section 6.6.2): every data frame is acked
// with its sequence number and the bitmask of which of the 31 sequence numbers before it were
// among those received. Shared by TLS/TCP links and DTLS/UDP links with simple reliability.
#pragma once

#include <cstdint>
#include <optional>

#include "wire/framing.hpp"

namespace reload::transport {

class AckWindow {
 public:
  // The ack for the data frame numbered `sequence`, which has just arrived.
  wire::FramedAck on_data(std::uint32_t sequence);

 private:
  // The highest sequence seen and the 63 before it (bit k = highest - k).
  std::optional<std::uint32_t> highest_;
  std::uint64_t window_ = 0;
};

}  // namespace reload::transport
