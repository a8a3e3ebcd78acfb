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
      rto_.sample(std::chrono::duration_cast<milliseconds>(now - it->at));
      // Over TCP, frames arrive in order: an ack for N answers everything before it too.
      in_flight_.erase(in_flight_.begin(), it + 1);
    }
    return std::nullopt;
  }
  const auto& data = std::get<wire::FramedData>(frame);
  append_frame(acks_.on_data(data.sequence), ack_out);
  return data.message;
}

bool LinkMonitor::overdue(TimePoint now) const noexcept {
  return !in_flight_.empty() && now - in_flight_.front().at >= rto_.rto();
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
  if (now - oldest >= rto_.rto()) return LinkHealth::suspect;
  next = std::min(next, oldest + rto_.rto());
  return LinkHealth::healthy;
}

}  // namespace reload::transport
