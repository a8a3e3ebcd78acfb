// The framing layer of one overlay link over TLS/TCP (RFC 6940 sections 6.6.2 and 6.6.5),
// sans-I/O: numbers outgoing messages, acknowledges every incoming one with the bitmask of
// the 32 previous sequence numbers, measures the RTT from the acks to keep an RFC 6298 RTO,
// and says when the link has gone quiet for too long.
//
// Over TCP nothing is retransmitted at this layer: the RTO only decides when an unanswered
// frame makes the link suspect (taken out of the routing table), and after `failure_after`
// (30 s, as section 6.6.5 recommends) without any ack the link has failed. When nothing was
// sent for `keepalive_after`, an empty data frame goes out to draw an ack; a receiver acks
// it and delivers nothing (an empty message is not a RELOAD message).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>

#include "transport/ack_window.hpp"
#include "transport/rto_estimator.hpp"
#include "wire/bytes.hpp"
#include "wire/framing.hpp"

namespace reload::transport {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

struct LinkTimers {
  milliseconds initial_rto{1000};  // RFC 6298 (2.1)
  // RFC 6298 (2.4)'s 1 s: a busy peer (a loaded host, a signature burst) stalls its acks
  // for hundreds of milliseconds, and each quiet spell reshapes the routing table.
  milliseconds min_rto{1000};
  milliseconds max_rto{60000};
  milliseconds keepalive_after{5000};
  milliseconds failure_after{30000};
  milliseconds idle_timeout{120000};  // nothing received at all for this long: close
};

enum class LinkHealth : std::uint8_t { healthy, suspect, failed };

class LinkMonitor {
 public:
  explicit LinkMonitor(LinkTimers timers = {})
      : timers_(timers), rto_(timers.initial_rto, timers.min_rto, timers.max_rto) {}

  // The data frame that carries `message`, numbered; appended to `out` as wire bytes.
  void frame_message(wire::Bytes message, TimePoint now, wire::Buffer& out);

  // A frame arrived. A data frame's ack is appended to `ack_out`, and the message (empty
  // for a keepalive) is returned for delivery; an ack returns nothing.
  std::optional<wire::Bytes> on_frame(const wire::FramedMessage& frame, TimePoint now,
                                      wire::Buffer& ack_out);

  // Appends a keepalive when one is due; returns the link's health and, through `next`,
  // when to look again.
  LinkHealth periodic(TimePoint now, wire::Buffer& out, TimePoint& next);

  // Whether the oldest unacknowledged frame has waited at least the RTO (the link is quiet).
  bool overdue(TimePoint now) const noexcept;

  milliseconds rto() const noexcept { return rto_.rto(); }
  std::optional<milliseconds> smoothed_rtt() const noexcept { return rto_.srtt(); }
  std::size_t unacked() const noexcept { return in_flight_.size(); }

 private:
  struct Sent {
    std::uint32_t sequence;
    TimePoint at;
  };
  LinkTimers timers_;
  std::uint32_t next_sequence_ = 0;
  std::deque<Sent> in_flight_;  // unacknowledged, oldest first; bounded
  TimePoint last_sent_{};
  TimePoint last_received_{};
  bool started_ = false;

  AckWindow acks_;
  RtoEstimator rto_;
};

}  // namespace reload::transport
