// When a device may be AppAttached again (XEP-0415 section 6.1 asks a device to keep streams
// to its own user's devices, which means dialling again when one drops or fails). A device
// whose AppAttach failed, or whose stream dropped soon after it opened, waits `first`, then
// twice as long after each further failure, up to `longest`; a stream that stayed open for
// `stable_after` clears the count. Without it a device that is gone for good was dialled
// again on every mesh round and for every stanza sent to its user, each time a routed
// AppAttach and ICE checks through the overlay. Bounded (principle 5): past `max_devices`
// the entry due soonest is forgotten. Sans-I/O: time comes in with every call.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>

#include "wire/node_id.hpp"

namespace reload::usage {

class DialBackoff {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  struct Settings {
    std::chrono::milliseconds first{1000};
    std::chrono::milliseconds longest{60000};
    std::chrono::milliseconds stable_after{60000};
    std::size_t max_devices = 1024;
  };

  DialBackoff() = default;
  explicit DialBackoff(Settings settings) : settings_(settings) {}

  bool may_dial(const wire::NodeId& device, TimePoint now) const;
  // When `device` may be dialled again (now or earlier: at once).
  TimePoint next_dial(const wire::NodeId& device, TimePoint now) const;
  // Its AppAttach failed.
  void failed(const wire::NodeId& device, TimePoint now);
  // A stream to it opened.
  void opened(const wire::NodeId& device, TimePoint now);
  // Its stream closed; it counts as a failure unless it had stayed open for stable_after.
  void dropped(const wire::NodeId& device, TimePoint now);
  std::size_t size() const noexcept { return devices_.size(); }

 private:
  struct Entry {
    unsigned failures = 0;
    TimePoint not_before{};
    std::optional<TimePoint> open_since;
  };
  void fail(Entry& e, TimePoint now);
  Entry& entry(const wire::NodeId& device);

  Settings settings_{};
  std::map<wire::NodeId, Entry> devices_;
};

}  // namespace reload::usage
