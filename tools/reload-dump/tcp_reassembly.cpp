#include "tcp_reassembly.hpp"

namespace reload::dump {

TcpReassembler::Delivery TcpReassembler::add(std::uint32_t seq, bool syn, wire::Bytes payload) {
  if (!isn_) {
    isn_ = seq;
    next_seq_ = syn ? seq + 1 : seq;
  }
  Delivery d;
  d.offset = delivered_;
  if (payload.empty()) return d;
  std::uint32_t data_seq = syn ? seq + 1 : seq;
  // Where the payload starts relative to the next byte expected (sequence numbers wrap).
  auto ahead = static_cast<std::int64_t>(static_cast<std::int32_t>(data_seq - next_seq_));
  auto size = static_cast<std::int64_t>(payload.size());
  if (ahead + size <= 0) {
    d.retransmission = true;
    return d;
  }
  if (ahead > 0) {
    d.held = true;
    std::uint64_t at = delivered_ + static_cast<std::uint64_t>(ahead);
    auto& slot = early_[at];
    if (slot.size() < payload.size() && held_ - slot.size() + payload.size() <= max_held) {
      held_ = held_ - slot.size() + payload.size();
      slot.assign(payload.begin(), payload.end());
    }
    if (slot.empty()) early_.erase(at);
    return d;
  }
  // ahead <= 0: skip the bytes already delivered, deliver the rest.
  payload = payload.subspan(static_cast<std::size_t>(-ahead));
  d.data.assign(payload.begin(), payload.end());
  // Then every held segment that now touches the end.
  while (!early_.empty()) {
    auto it = early_.begin();
    std::uint64_t end = delivered_ + d.data.size();
    if (it->first > end) break;
    std::uint64_t skip = end - it->first;
    if (skip < it->second.size())
      d.data.insert(d.data.end(), it->second.begin() + static_cast<std::ptrdiff_t>(skip),
                    it->second.end());
    held_ -= it->second.size();
    early_.erase(it);
  }
  delivered_ += d.data.size();
  next_seq_ += static_cast<std::uint32_t>(d.data.size());
  return d;
}

}  // namespace reload::dump
