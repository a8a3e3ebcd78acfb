// When an HTTPS exchange of the enrollment client is tried again (RFC 6940 section 11 leaves
// this to HTTP). reload-enroll-server answers a login it cannot take now with 503 Service
// Unavailable (too many password checks waiting) or 429 Too Many Requests (too many failed
// logins from the address), both with Retry-After in seconds, and closes connections over its
// connection cap at accept, before TLS. Those are worth another attempt; nothing else is (a
// 4xx other than 429, a certificate that does not verify, a malformed answer, a timeout).
//
// Bounded: at most max_attempts attempts, no single wait longer than max_wait (a server that
// asks for more is not tried again), at most max_total_wait in all. Retry-After is honoured
// in its delta-seconds form; absent or in any other form (an HTTP-date), the wait is
// first_backoff doubled after each attempt, with jitter (x0.5 to x1.5) so that clients
// refused together do not come back together.
//
// Pure: the exchange loop (https_client.cpp) asks next_retry_delay and sleeps through
// RetryPolicy::sleep, which tests replace.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

namespace reload::config {

struct RetryPolicy {
  unsigned max_attempts = 4;  // 1: no retry
  std::chrono::milliseconds max_wait{30'000};
  std::chrono::milliseconds max_total_wait{60'000};
  std::chrono::milliseconds first_backoff{1'000};
  // How to wait; empty: std::this_thread::sleep_for.
  std::function<void(std::chrono::milliseconds)> sleep;
};

// Status 0 stands for "no answer: the connection was refused, reset, or closed before TLS".
bool retryable_status(unsigned status);

// A Retry-After value in delta-seconds (RFC 9110 section 10.2.3), optional whitespace around;
// nullopt for anything else, an HTTP-date included. Values beyond a day read as a day.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value);

// How long to wait before the next attempt, after `attempts` attempts (1 or more) of which
// the last got `status` with the Retry-After value `retry_after` (empty when absent), having
// waited `waited` so far; nullopt: do not try again. `jitter` is a number in [0, 1).
std::optional<std::chrono::milliseconds> next_retry_delay(unsigned status, std::string_view retry_after,
                                                          unsigned attempts, const RetryPolicy& policy = {},
                                                          std::chrono::milliseconds waited = {}, double jitter = 0.5);

}  // namespace reload::config
