// Who may have a password checked now. A check is PBKDF2 (password_hash.hpp, about a tenth of
// a second of CPU), so it is something a client can make the server spend, and it has two
// bounds (DESIGN.md principle 5):
//   * at most max_pending checks queued or running at once; a request beyond gets 503 with
//     Retry-After, at once, instead of a place in an ever longer queue;
//   * failed guesses per client (source_key.hpp): a token bucket of `burst` guesses that
//     refills at failures_per_minute. A check takes a token before it runs and gives it back
//     when the password was right, so concurrent guesses cannot overdraw the bucket. A client
//     without a token gets 429 with Retry-After whatever its password: a limit that a right
//     password lifted would not limit guessing. A household behind one address shares it.
// A client is remembered while its bucket is not full, at most max_clients of them; when
// the table is full of clients that failed recently, a new client is refused as if it had
// no token (fail closed: the table is bounded memory, the guessing stays bounded too).
//
// Sans-I/O (the caller passes `now`) and not thread-safe: the server calls it on its I/O
// thread, before it posts a check to the worker pool and after the answer comes back.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>

namespace reload::enroll {

struct LoginLimits {
  std::size_t max_pending = 16;
  double failures_per_minute = 10;
  double burst = 10;
  std::size_t max_clients = 10'000;
};

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  struct Verdict {
    unsigned status = 0;  // 0: go ahead (then call finished()), else 429 or 503
    std::chrono::seconds retry_after{0};
  };

  explicit LoginThrottle(LoginLimits limits) : limits_(limits) {}

  Verdict admit(const std::string& client, Clock::time_point now);
  // Once for every admitted check, when its answer is back.
  void finished(const std::string& client, bool failed_authentication, Clock::time_point now);

  std::size_t pending() const noexcept { return pending_; }
  std::size_t clients() const noexcept { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point at;
  };
  void refill(Bucket& b, Clock::time_point now) const;
  void forget_refilled(Clock::time_point now);

  LoginLimits limits_;
  std::size_t pending_ = 0;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace reload::enroll
