// RFC 6298's retransmission timeout from RTT samples, with millisecond granularity (RFC 6940
// section 6.6.3.1 asks for milliseconds, not seconds) and the bounds a link type chooses.
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>

namespace reload::transport {

using std::chrono::milliseconds;

class RtoEstimator {
 public:
  RtoEstimator(milliseconds initial, milliseconds min, milliseconds max) : min_(min), max_(max), rto_(initial) {}

  // RFC 6298 section 2: alpha 1/8, beta 1/4, K 4; the first sample sets SRTT and RTTVAR (2.2),
  // later ones update them (2.3).
  void sample(milliseconds r) {
    if (!srtt_) {
      srtt_ = r;
      rttvar_ = r / 2;
    } else {
      const milliseconds delta = *srtt_ > r ? *srtt_ - r : r - *srtt_;
      rttvar_ = (rttvar_ * 3 + delta) / 4;
      srtt_ = (*srtt_ * 7 + r) / 8;
    }
    rto_ = std::clamp(*srtt_ + std::max(milliseconds(1), rttvar_ * 4), min_, max_);
  }

  milliseconds rto() const noexcept { return rto_; }
  milliseconds max() const noexcept { return max_; }
  std::optional<milliseconds> srtt() const noexcept { return srtt_; }

 private:
  milliseconds min_, max_, rto_;
  std::optional<milliseconds> srtt_;
  milliseconds rttvar_{0};
};

}  // namespace reload::transport
