// Calendar times that do not fit system_clock. libstdc++'s system_clock counts nanoseconds
// in 64 bits, so it spans only the years 1678 to 2262; a certificate valid until 9999 (RFC
// 5280's "no well-defined expiration", 99991231235959Z) or a document expiring in 9999
// would wrap around and read as long expired. Such times saturate at the clock's ends.
#pragma once

#include <chrono>

namespace reload::wire {

inline std::chrono::system_clock::time_point saturating_time_point(std::chrono::sys_seconds t) noexcept {
  using std::chrono::system_clock;
  constexpr auto latest = std::chrono::floor<std::chrono::seconds>(system_clock::time_point::max());
  constexpr auto earliest = std::chrono::ceil<std::chrono::seconds>(system_clock::time_point::min());
  if (t >= latest) return system_clock::time_point::max();
  if (t <= earliest) return system_clock::time_point::min();
  return std::chrono::time_point_cast<system_clock::duration>(t);
}

}  // namespace reload::wire
