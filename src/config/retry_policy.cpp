#include "config/retry_policy.hpp"

#include <algorithm>

namespace reload::config {

bool retryable_status(unsigned status) { return status == 0 || status == 429 || status == 503; }

std::optional<std::chrono::seconds> parse_retry_after(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  if (v.empty()) return std::nullopt;
  constexpr long day = 24 * 60 * 60;
  long n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = std::min(day, n * 10 + (c - '0'));
  }
  return std::chrono::seconds(n);
}

std::optional<std::chrono::milliseconds> next_retry_delay(unsigned status, std::string_view retry_after,
                                                          unsigned attempts, const RetryPolicy& policy,
                                                          std::chrono::milliseconds waited, double jitter) {
  using std::chrono::milliseconds;
  if (!retryable_status(status) || attempts == 0 || attempts >= policy.max_attempts) return std::nullopt;
  milliseconds delay;
  if (auto asked = status != 0 ? parse_retry_after(retry_after) : std::nullopt) {
    delay = *asked;
    // Sooner than asked would only be refused again.
    if (delay > policy.max_wait) return std::nullopt;
  } else {
    milliseconds base = policy.first_backoff;
    for (unsigned i = 1; i < attempts && base < policy.max_wait; ++i) base *= 2;
    jitter = std::clamp(jitter, 0.0, 1.0);
    delay = std::min(policy.max_wait, milliseconds(static_cast<long>(static_cast<double>(base.count()) * (0.5 + jitter))));
  }
  if (waited + delay > policy.max_total_wait) return std::nullopt;
  return delay;
}

}  // namespace reload::config
