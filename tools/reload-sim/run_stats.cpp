#include "run_stats.hpp"

#include "wire/header_view.hpp"
#include "wire/message_contents.hpp"

namespace reload::sim {

namespace {

TrafficClass class_of(wire::Bytes message) {
  // The message code follows the forwarding header; the simulator reads it for accounting
  // only (the nodes on the path do not).
  auto h = wire::peek_header(message);
  if (!h || message.size() < h->header_size + 2) return TrafficClass::maintenance;
  const auto code = static_cast<std::uint16_t>(message[h->header_size] << 8 | message[h->header_size + 1]);
  using C = wire::MessageCode;
  if (code == static_cast<std::uint16_t>(C::ping_req) || code == static_cast<std::uint16_t>(C::ping_ans) ||
      code == static_cast<std::uint16_t>(C::fetch_req) || code == static_cast<std::uint16_t>(C::fetch_ans))
    return TrafficClass::lookup;
  if (code == static_cast<std::uint16_t>(C::store_req) || code == static_cast<std::uint16_t>(C::store_ans))
    return TrafficClass::storage;
  return TrafficClass::maintenance;
}

}  // namespace

void RunStats::start_window(double t) {
  population(t, live_);
  measuring_ = true;
  window_start_ = t;
}

void RunStats::end_window(double t) {
  population(t, live_);
  measuring_ = false;
  window_end_ = t;
}

void RunStats::sent(wire::Bytes message) {
  const auto c = static_cast<std::size_t>(class_of(message));
  ++total_.messages[c];
  total_.bytes[c] += message.size();
  if (!measuring_) return;
  ++window_.messages[c];
  window_.bytes[c] += message.size();
}

void RunStats::population(double t, std::size_t live) {
  if (measuring_) node_seconds_ += static_cast<double>(live_) * (t - last_change_);
  last_change_ = t;
  live_ = live;
}

void RunStats::lookup_answered(int hops, double latency_ms, bool correct) {
  hops_.push_back(hops);
  latencies_ms_.push_back(latency_ms);
  if (correct) ++lookups_correct_;
}

}  // namespace reload::sim
