// Fragmentation and reassembly (RFC 6940 section 6.7), sans-I/O.
//
// Every fragment carries a full copy of the forwarding header; its fragment field holds the
// offset of its chunk within the bytes after the header, and the last-fragment bit. Only the
// final destination reassembles. Time comes in as a parameter.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include "wire/bytes.hpp"

namespace reload::wire {

// The RFC asks for at least this much body in every fragment.
inline constexpr std::size_t min_fragment_body = 256;

// Splits a message, or a fragment of one (any node on the path may fragment, section 6.7),
// into equal-sized fragments of at most `max_fragment_size` bytes. One that fits is returned
// as its only fragment. Fails with invalid_value when the header plus 256 bytes of body does
// not fit (then the RFC leaves it to IP fragmentation).
boost::system::result<std::vector<Buffer>> fragment_message(Bytes message,
                                                             std::size_t max_fragment_size);

struct ReassemblyLimits {
  std::size_t max_message_size = 5000;      // a reassembled message larger than this is dropped
  std::size_t max_total_bytes = 1 << 20;    // all partial messages together
  std::chrono::milliseconds timeout{15000}; // the maximum request lifetime
};

class Reassembler {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Reassembler(ReassemblyLimits limits = {}) : limits_(limits) {}

  // Takes one received message or fragment. Returns the whole message once complete (a whole
  // message passes through at once). With ec set the fragment was refused and, for
  // fragment_conflict and reassembly_limit, its partial message dropped.
  std::optional<Buffer> add(Bytes fragment, Clock::time_point now, boost::system::error_code& ec);

  // Drops partial messages older than the timeout; returns when to call again (or nullopt
  // when nothing is pending).
  std::optional<Clock::time_point> expire(Clock::time_point now);

  std::size_t bytes_held() const noexcept { return held_; }
  std::size_t pending() const noexcept { return partial_.size(); }

 private:
  struct Partial {
    Clock::time_point first_seen;
    Buffer header;  // the offset-0 fragment's header, once seen
    Buffer body;    // grows to cover the highest offset seen
    std::vector<std::pair<std::size_t, std::size_t>> have;  // sorted, merged [begin, end)
    std::optional<std::size_t> total;                      // body size, once the last arrived
  };
  void drop(std::map<std::uint64_t, Partial>::iterator it);

  ReassemblyLimits limits_;
  std::map<std::uint64_t, Partial> partial_;  // by transaction id
  std::size_t held_ = 0;
};

}  // namespace reload::wire
