// How the benchmarks measure: the machine is shared and noisy, so each case runs in five
// rounds and reports the median and the best round; one descheduled round neither hides
// nor fakes a result. `batch` operations run between clock reads.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>

namespace reload::bench {

struct Rates {
  double median = 0;  // operations per second
  double best = 0;
};

template <class F>
Rates measure(double seconds, int batch, F&& once) {
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < 2 * batch; ++i) once();  // warm caches and the allocator
  constexpr int rounds = 5;
  std::array<double, rounds> rate{};
  for (auto& r : rate) {
    std::uint64_t n = 0;
    auto start = Clock::now();
    auto stop = start + std::chrono::duration<double>(seconds / rounds);
    auto now = start;
    do {
      for (int i = 0; i < batch; ++i) once();
      n += static_cast<std::uint64_t>(batch);
      now = Clock::now();
    } while (now < stop);
    r = static_cast<double>(n) / std::chrono::duration<double>(now - start).count();
  }
  std::sort(rate.begin(), rate.end());
  return {rate[rounds / 2], rate.back()};
}

}  // namespace reload::bench
