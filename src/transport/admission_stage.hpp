// One stage of admitting unauthenticated connections (a listener has two: waiting for the
// first byte, and the TLS handshake): at most `capacity` connections at once; when it is
// full, the oldest makes room for a newcomer if it has been there longer than `stale`, since
// an honest client passes a stage in milliseconds while a flood's idle connections stay.
// First in, first evicted is what lets a newcomer in when many hosts keep it full. Holds
// names only: a descriptor, for the owner to shutdown(2) (an entry leaves before its socket
// is closed, so a name is never reused under it), or a UDP flow's number. Sans-I/O: the owner
// ends what it evicts.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>

namespace reload::transport {

class AdmissionStage {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Entry {
    std::uint64_t name;
    TimePoint since;
    bool evicted = false;
  };
  using Ticket = std::list<Entry>::iterator;

  AdmissionStage(std::size_t capacity, std::chrono::milliseconds stale) : capacity_(capacity), stale_(stale) {}

  struct Admission {
    std::optional<Ticket> ticket;  // none: full, the newcomer is refused
    std::optional<std::uint64_t> evict;  // the connection to end to make room
  };
  Admission enter(std::uint64_t name, TimePoint now);
  void leave(Ticket t) { (t->evicted ? evicted_ : live_).erase(t); }
  static bool evicted(Ticket t) { return t->evicted; }

  std::size_t size() const noexcept { return live_.size() + evicted_.size(); }
  std::uint64_t evictions() const noexcept { return evictions_; }

 private:
  std::size_t capacity_;
  std::chrono::milliseconds stale_;
  std::list<Entry> live_;     // oldest first
  std::list<Entry> evicted_;  // shut down, until their owners close them
  std::uint64_t evictions_ = 0;
};

}  // namespace reload::transport
