// Joiners this peer has answered but not yet admitted to the ring (RFC 6940 section 10.5):
// the data of the joiner's range goes to it first (step 6), and only then the Updates that
// make it a ring member (steps 7 and 8), so that nobody routes its range to it before it
// holds what lies there. Bounded in number and in time (principle 5): past the bound a joiner
// is admitted at once, and one whose data is not all answered within `limit` is admitted
// anyway. Sans-I/O.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <vector>

#include "wire/node_id.hpp"

namespace reload::node {

class JoinAdmissions {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  static constexpr std::size_t max_waiting = 8;
  static constexpr std::chrono::seconds limit{3};

  enum class Wait : std::uint8_t { started, already_waiting, full };
  Wait wait_for(const wire::NodeId& joiner, TimePoint now);
  // Whether `joiner` was waiting (it is not any more).
  bool finish(const wire::NodeId& joiner);
  // The joiners whose time is up, no longer waiting.
  std::vector<wire::NodeId> expire(TimePoint now);
  std::optional<TimePoint> next_deadline() const;
  std::size_t size() const noexcept { return deadlines_.size(); }

 private:
  std::map<wire::NodeId, TimePoint> deadlines_;
};

}  // namespace reload::node
