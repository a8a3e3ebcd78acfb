#include "transport/sr_sender.hpp"

#include <algorithm>
#include <cmath>

#include "wire/codec.hpp"

namespace reload::transport {

SrSender::SrSender(SrLimits limits, std::optional<milliseconds> first_rtt)
    : limits_(limits),
      rto_(limits.initial_rto, limits.min_rto, limits.max_rto),
      window_(static_cast<double>(limits.initial_window)),
      slow_start_threshold_(static_cast<double>(limits.max_window)) {
  if (first_rtt) rto_.sample(*first_rtt);  // RFC 6298 (2.2)
}

bool SrSender::enqueue(wire::Buffer message) {
  if (queue_.size() >= limits_.max_queued || message.size() >= (std::size_t{1} << 24)) return false;
  queue_.push_back(std::move(message));
  return true;
}

void SrSender::transmit(std::uint64_t id, Outstanding& m, TimePoint now, std::vector<wire::Buffer>& out) {
  const std::uint32_t seq = next_sequence_++;  // a retransmission gets a new number too
  // Cannot fail: enqueue() took only messages the framing header can carry.
  out.push_back(wire::encode_to_buffer(wire::FramedMessage{wire::FramedData{seq, m.message}}).value());
  m.sequences.push_back(seq);
  frames_[seq] = {id, now};
  ++m.transmissions;
  m.wait = m.transmissions == 1 ? rto_.rto() : std::min(m.wait * 2, rto_.max());
  m.deadline = now + m.wait;
}

void SrSender::poll(TimePoint now, std::vector<wire::Buffer>& out) {
  if (failed_) return;
  bool timer_fired = false;
  for (auto& [id, m] : outstanding_) {
    if (m.deadline > now) continue;
    if (m.transmissions >= limits_.max_transmissions) {
      failed_ = true;
      return;
    }
    timer_fired = true;
    ++retransmissions_;
    transmit(id, m, now, out);
    // Counted per message, not per frame: one lost flight of many fragments is one loss.
    retransmissions_since_ack_ = std::max(retransmissions_since_ack_, m.transmissions - 1);
  }
  if (timer_fired) {  // a loss: halve the window, once per poll
    slow_start_threshold_ = std::max(window_ / 2, 2.0);
    window_ = std::max(window_ / 2, 1.0);
  }
  while (!queue_.empty() && static_cast<double>(outstanding_.size()) < std::floor(window_)) {
    const std::uint64_t id = next_id_++;
    auto& m = outstanding_[id];
    m.message = std::move(queue_.front());
    queue_.pop_front();
    transmit(id, m, now, out);
  }
}

void SrSender::acked(std::uint64_t id) {
  auto it = outstanding_.find(id);
  if (it == outstanding_.end()) return;
  for (std::uint32_t seq : it->second.sequences) frames_.erase(seq);
  outstanding_.erase(it);
  if (window_ < slow_start_threshold_)
    window_ += 1;  // slow start
  else
    window_ += 1 / window_;  // congestion avoidance: one more per window
  window_ = std::min(window_, static_cast<double>(limits_.max_window));
}

void SrSender::on_ack(const wire::FramedAck& ack, TimePoint now) {
  retransmissions_since_ack_ = 0;
  // The frame acked by number is an RTT sample (its number was used once, so the sample is
  // never ambiguous); the bitmask names earlier frames that arrived too.
  if (auto f = frames_.find(ack.ack_sequence); f != frames_.end()) {
    rto_.sample(std::chrono::duration_cast<milliseconds>(now - f->second.at));
    acked(f->second.message);
  }
  for (unsigned k = 1; k < 32; ++k) {
    if (!((ack.received >> k) & 1u)) continue;
    if (auto f = frames_.find(ack.ack_sequence - k); f != frames_.end()) acked(f->second.message);
  }
}

std::optional<SrSender::TimePoint> SrSender::next_timeout() const {
  if (failed_ || outstanding_.empty()) return std::nullopt;
  TimePoint first = TimePoint::max();
  for (const auto& [id, m] : outstanding_) first = std::min(first, m.deadline);
  return first;
}

}  // namespace reload::transport
