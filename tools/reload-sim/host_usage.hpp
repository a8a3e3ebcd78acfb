// What a run costs the machine, as opposed to what it simulates: these figures differ from
// run to run, so reports keep them apart from the deterministic ones.
#pragma once

#include <cstddef>

#include <malloc.h>
#include <sys/resource.h>

namespace reload::sim {

// The process's peak resident set, in KiB (getrusage's ru_maxrss on Linux).
inline std::size_t peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<std::size_t>(u.ru_maxrss);
}

// Bytes the allocator has handed out and not had back (glibc's mallinfo2): the heap the
// simulation holds, without the allocator's free lists and fragmentation.
inline std::size_t heap_in_use_bytes() { return mallinfo2().uordblks; }

}  // namespace reload::sim
