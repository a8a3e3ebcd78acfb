#include "login_throttle.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace reload::enroll {

void LoginThrottle::refill(Bucket& b, Clock::time_point now) const {
  const double minutes = std::chrono::duration<double, std::ratio<60>>(now - b.at).count();
  b.tokens = std::min(limits_.burst, b.tokens + std::max(0.0, minutes) * limits_.failures_per_minute);
  b.at = now;
}

void LoginThrottle::forget_refilled(Clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second, now);
    it = it->second.tokens >= limits_.burst ? buckets_.erase(it) : std::next(it);
  }
}

LoginThrottle::Verdict LoginThrottle::admit(const std::string& client, Clock::time_point now) {
  if (pending_ >= limits_.max_pending) return {503, std::chrono::seconds(1)};
  auto it = buckets_.find(client);
  if (it == buckets_.end()) {
    // A full table is swept only when it is full, so the sweep's cost is spread over the
    // max_clients insertions that filled it.
    if (buckets_.size() >= limits_.max_clients) forget_refilled(now);
    if (buckets_.size() >= limits_.max_clients)
      return {429, std::chrono::seconds(static_cast<long>(std::ceil(60.0 / limits_.failures_per_minute)))};
    it = buckets_.emplace(client, Bucket{limits_.burst, now}).first;
  }
  Bucket& b = it->second;
  refill(b, now);
  if (b.tokens < 1) {
    const double wait = (1 - b.tokens) * 60.0 / limits_.failures_per_minute;
    return {429, std::chrono::seconds(std::max(1L, static_cast<long>(std::ceil(wait))))};
  }
  b.tokens -= 1;
  ++pending_;
  return {};
}

void LoginThrottle::finished(const std::string& client, bool failed_authentication, Clock::time_point now) {
  --pending_;
  auto it = buckets_.find(client);
  if (it == buckets_.end()) return;  // swept meanwhile: it had refilled
  refill(it->second, now);
  if (!failed_authentication) it->second.tokens = std::min(limits_.burst, it->second.tokens + 1);
  if (it->second.tokens >= limits_.burst) buckets_.erase(it);
}

}  // namespace reload::enroll
