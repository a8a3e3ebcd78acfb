// What a run costs the machine, as opposed to what it simulates: these figures differ from
// run to run, so reports keep them apart from the deterministic ones.
#pragma once

#include <cstddef>

#include <sys/resource.h>

namespace reload::sim {

// The process's peak resident set, in KiB (getrusage's ru_maxrss on Linux).
inline std::size_t peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<std::size_t>(u.ru_maxrss);
}

}  // namespace reload::sim
