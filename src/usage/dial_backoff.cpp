#include "usage/dial_backoff.hpp"

#include <algorithm>

namespace reload::usage {

bool DialBackoff::may_dial(const wire::NodeId& device, TimePoint now) const { return next_dial(device, now) <= now; }

DialBackoff::TimePoint DialBackoff::next_dial(const wire::NodeId& device, TimePoint now) const {
  auto it = devices_.find(device);
  if (it == devices_.end() || it->second.open_since) return now;
  return it->second.not_before;
}

DialBackoff::Entry& DialBackoff::entry(const wire::NodeId& device) {
  if (auto it = devices_.find(device); it != devices_.end()) return it->second;
  if (devices_.size() >= settings_.max_devices) {
    // The one due soonest is the least to lose: it would be dialled again soonest anyway.
    auto soonest = std::min_element(devices_.begin(), devices_.end(), [](const auto& a, const auto& b) {
      return a.second.not_before < b.second.not_before;
    });
    devices_.erase(soonest);
  }
  return devices_[device];
}

void DialBackoff::fail(Entry& e, TimePoint now) {
  e.open_since.reset();
  const unsigned doublings = std::min(e.failures, 16u);
  const auto wait = std::min<std::chrono::milliseconds>(settings_.first * (1u << doublings), settings_.longest);
  ++e.failures;
  e.not_before = now + wait;
}

void DialBackoff::failed(const wire::NodeId& device, TimePoint now) { fail(entry(device), now); }

void DialBackoff::opened(const wire::NodeId& device, TimePoint now) {
  auto it = devices_.find(device);
  if (it != devices_.end()) it->second.open_since = now;  // a device that never failed needs no entry
}

void DialBackoff::dropped(const wire::NodeId& device, TimePoint now) {
  auto& e = entry(device);
  if (e.open_since && now - *e.open_since >= settings_.stable_after) e.failures = 0;
  fail(e, now);
}

}  // namespace reload::usage
