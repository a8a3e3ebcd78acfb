#include "transport/link_monitor.hpp"

#include <algorithm>

#include "wire/writer.hpp"

namespace reload::transport {

namespace {
// Unacked frames remembered for RTT samples; older ones only count as "still unanswered".
constexpr std::size_t max_in_flight = 1024;

void append_frame(const wire::FramedMessage& f, wire::Buffer& out) {
  wire::Writer w(out);
  encode(w, f);
}
}  // namespace

void LinkMonitor::frame_message(wire::Bytes message, TimePoint now, wire::Buffer& out) {
  if (!started_) {
    started_ = true;
    last_received_ = now;
  }
  std::uint32_t seq = next_sequence_++;
  append_frame(wire::FramedData{seq, message}, out);
  if (in_flight_.size() == max_in_flight) in_flight_.pop_front();
  in_flight_.push_back({seq, now});
  last_sent_ = now;
}

std::optional<wire::Bytes> LinkMonitor::on_frame(const wire::FramedMessage& frame, TimePoint now,
                                                 wire::Buffer& ack_out) {
  if (!started_) {
    started_ = true;
    last_sent_ = now;
  }
  last_received_ = now;
  if (const auto* ack = std::get_if<wire::FramedAck>(&frame)) {
    // Every ack is an RTT sample for the frame it names (retransmissions, had there been
    // any, carry new numbers, so samples are never ambiguous).
    auto it = std::find_if(in_flight_.begin(), in_flight_.end(),
                           [&](const Sent& s) { return s.sequence == ack->ack_sequence; });
    if (it != in_flight_.end()) {
      sample_rtt(std::chrono::duration_cast<milliseconds>(now - it->at));
      // Over TCP, frames arrive in order: an ack for N answers everything before it too.
      in_flight_.erase(in_flight_.begin(), it + 1);
    }
    return std::nullopt;
  }
  const auto& data = std::get<wire::FramedData>(frame);
  std::uint32_t received = 0;
  if (highest_) {
    // Section 6.6.2: for each earlier M with N-32 < M < N that was received, bit N-M
    // (counting from the least significant bit 0) is set.
    std::uint32_t n = data.sequence;
    for (unsigned k = 1; k < 32; ++k) {
      std::uint32_t m = n - k;
      std::uint32_t back = *highest_ - m;  // how far m lies behind the highest seen
      if (back < 64 && (window_ >> back) & 1u) received |= 1u << k;
    }
    // Slide the window when this frame is newer than every other.
    std::uint32_t ahead = data.sequence - *highest_;
    if (ahead != 0 && ahead < 0x80000000u) {
      window_ = ahead >= 64 ? 0 : window_ << ahead;
      highest_ = data.sequence;
      window_ |= 1;
    } else {
      std::uint32_t back = *highest_ - data.sequence;
      if (back < 64) window_ |= std::uint64_t{1} << back;
    }
  } else {
    highest_ = data.sequence;
    window_ = 1;
  }
  append_frame(wire::FramedAck{data.sequence, received}, ack_out);
  return data.message;
}

void LinkMonitor::sample_rtt(milliseconds r) {
  // RFC 6298 section 2, with alpha 1/8, beta 1/4, K 4, and millisecond granularity.
  if (!srtt_) {
    srtt_ = r;
    rttvar_ = r / 2;
  } else {
    milliseconds delta = *srtt_ > r ? *srtt_ - r : r - *srtt_;
    rttvar_ = (rttvar_ * 3 + delta) / 4;
    srtt_ = (*srtt_ * 7 + r) / 8;
  }
  rto_ = std::clamp(*srtt_ + std::max(milliseconds(1), rttvar_ * 4), timers_.min_rto, timers_.max_rto);
}

bool LinkMonitor::overdue(TimePoint now) const noexcept {
  return !in_flight_.empty() && now - in_flight_.front().at >= rto_;
}

LinkHealth LinkMonitor::periodic(TimePoint now, wire::Buffer& out, TimePoint& next) {
  if (!started_) {
    started_ = true;
    last_sent_ = last_received_ = now;
  }
  if (now - last_sent_ >= timers_.keepalive_after) frame_message({}, now, out);
  next = last_sent_ + timers_.keepalive_after;

  if (now - last_received_ >= timers_.idle_timeout) return LinkHealth::failed;
  next = std::min(next, last_received_ + timers_.idle_timeout);
  if (in_flight_.empty()) return LinkHealth::healthy;
  TimePoint oldest = in_flight_.front().at;
  if (now - oldest >= timers_.failure_after) return LinkHealth::failed;
  next = std::min(next, oldest + timers_.failure_after);
  if (now - oldest >= rto_) return LinkHealth::suspect;
  next = std::min(next, oldest + rto_);
  return LinkHealth::healthy;
}

}  // namespace reload::transport
