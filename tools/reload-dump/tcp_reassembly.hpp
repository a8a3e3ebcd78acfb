// One direction of a TCP connection put back in order: each stream byte is delivered once,
// in sequence order; retransmitted bytes are dropped and early segments are held until the
// gap before them is filled.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>

#include "wire/bytes.hpp"

namespace reload::dump {

class TcpReassembler {
 public:
  // Out-of-order bytes held at most; beyond that, early segments are dropped.
  static constexpr std::size_t max_held = 64u << 20;

  struct Delivery {
    wire::Buffer data;        // bytes that became contiguous, in order
    std::uint64_t offset = 0; // stream offset of data[0] (bytes after the SYN)
    bool retransmission = false;  // the segment brought nothing new
    bool held = false;            // the segment came early and waits for a gap
  };

  // Takes one segment. The first segment seen sets the stream's start (its SYN, or its own
  // sequence number when the capture began mid-connection).
  Delivery add(std::uint32_t seq, bool syn, wire::Bytes payload);

  std::optional<std::uint32_t> initial_sequence() const noexcept { return isn_; }
  std::uint64_t delivered() const noexcept { return delivered_; }
  std::size_t held_bytes() const noexcept { return held_; }

 private:
  std::optional<std::uint32_t> isn_;
  std::uint32_t next_seq_ = 0;    // sequence number of stream byte `delivered_`
  std::uint64_t delivered_ = 0;
  std::map<std::uint64_t, wire::Buffer> early_;  // stream offset -> bytes
  std::size_t held_ = 0;
};

}  // namespace reload::dump
