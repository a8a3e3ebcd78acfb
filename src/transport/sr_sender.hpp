// The sending side of RFC 6940's simple reliability (section 6.6.3) for DTLS/UDP links
// (section 6.6.4), sans-I/O: it numbers every frame, keeps each message until one of its
// transmissions is acked, sends it again after the RTO with a fresh sequence number and the
// wait doubled, and gives up after five transmissions (the link should then close). The
// receiver only acks (AckWindow).
//
// Section 6.6.3 lets the sender pick its algorithm if it meets RFC 5405 (now RFC 8085): this
// one is a window of messages in flight that behaves as TCP's (RFC 8085 section 3.1): it
// starts at `initial_window`, grows by one per acked message in slow start and by one per
// window after, and halves (to no less than one) when a retransmission timer fires. The RTO is
// RFC 6298's in milliseconds, seeded by a first RTT of the path when the link knows one
// (section 6.6.3.1).
//
// Bounds (DESIGN.md principle 5): `max_queued` messages wait for the window, enqueue()
// refuses more; the window never exceeds `max_window`.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <vector>

#include "transport/rto_estimator.hpp"
#include "wire/bytes.hpp"
#include "wire/framing.hpp"

namespace reload::transport {

using SrClock = std::chrono::steady_clock;

struct SrLimits {
  milliseconds initial_rto{500};  // section 6.6.3.1's default, until an RTT is known
  // Not RFC 6298's 1 s (section 6.6.3.1 rounds to milliseconds), but not below what a busy
  // host takes to answer either: a spurious retransmission halves the window.
  milliseconds min_rto{100};
  milliseconds max_rto{60000};
  unsigned max_transmissions = 5;
  std::size_t initial_window = 4;
  std::size_t max_window = 1024;
  std::size_t max_queued = 4096;
};

class SrSender {
 public:
  using TimePoint = SrClock::time_point;

  explicit SrSender(SrLimits limits = {}, std::optional<milliseconds> first_rtt = std::nullopt);

  // Queues a message; false (and nothing queued) when max_queued are waiting already, or the
  // message is longer than a data frame carries (2^24-1 bytes).
  bool enqueue(wire::Buffer message);

  // Appends the frames due now, one datagram payload each: retransmissions of messages whose
  // timer expired, then new messages while the window has room.
  void poll(TimePoint now, std::vector<wire::Buffer>& out);

  void on_ack(const wire::FramedAck& ack, TimePoint now);

  // When poll() has something to do next without an ack, if ever.
  std::optional<TimePoint> next_timeout() const;

  // A message went out max_transmissions times without an ack: section 6.6.3.1 says the link
  // should close.
  bool failed() const noexcept { return failed_; }
  // No ack since a message went out the third time again (three retransmissions, with
  // backoff): section 6.6.3.1 recommends taking the link out of the routing table until acks
  // resume. Counted per message: a window of fragments lost at once is one loss, not many.
  bool quiet() const noexcept { return retransmissions_since_ack_ >= 3; }
  // Messages sent again because their RTO passed, since the start.
  std::uint64_t retransmissions() const noexcept { return retransmissions_; }

  std::size_t window() const noexcept { return static_cast<std::size_t>(window_); }
  std::size_t in_flight() const noexcept { return outstanding_.size(); }
  std::size_t queued() const noexcept { return queue_.size(); }
  milliseconds rto() const noexcept { return rto_.rto(); }

 private:
  struct Outstanding {
    wire::Buffer message;
    unsigned transmissions = 0;
    milliseconds wait{0};  // before the next retransmission; doubled after each
    TimePoint deadline;
    std::vector<std::uint32_t> sequences;  // of every transmission
  };
  struct SentFrame {
    std::uint64_t message;
    TimePoint at;
  };

  void transmit(std::uint64_t id, Outstanding& m, TimePoint now, std::vector<wire::Buffer>& out);
  void acked(std::uint64_t id);

  SrLimits limits_;
  RtoEstimator rto_;
  std::deque<wire::Buffer> queue_;
  std::unordered_map<std::uint64_t, Outstanding> outstanding_;
  std::unordered_map<std::uint32_t, SentFrame> frames_;  // sequence -> message, of outstanding ones
  std::uint64_t next_id_ = 0;
  std::uint32_t next_sequence_ = 0;
  double window_;
  double slow_start_threshold_;
  unsigned retransmissions_since_ack_ = 0;
  std::uint64_t retransmissions_ = 0;
  bool failed_ = false;
};

}  // namespace reload::transport
