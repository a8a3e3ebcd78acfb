#include "node/join_admissions.hpp"

#include <algorithm>

namespace reload::node {

JoinAdmissions::Wait JoinAdmissions::wait_for(const wire::NodeId& joiner, TimePoint now) {
  if (deadlines_.contains(joiner)) return Wait::already_waiting;
  if (deadlines_.size() >= max_waiting) return Wait::full;
  deadlines_.emplace(joiner, now + limit);
  return Wait::started;
}

bool JoinAdmissions::finish(const wire::NodeId& joiner) { return deadlines_.erase(joiner) > 0; }

std::vector<wire::NodeId> JoinAdmissions::expire(TimePoint now) {
  std::vector<wire::NodeId> due;
  for (auto it = deadlines_.begin(); it != deadlines_.end();) {
    if (it->second <= now) {
      due.push_back(it->first);
      it = deadlines_.erase(it);
    } else {
      ++it;
    }
  }
  return due;
}

std::optional<JoinAdmissions::TimePoint> JoinAdmissions::next_deadline() const {
  if (deadlines_.empty()) return std::nullopt;
  return std::min_element(deadlines_.begin(), deadlines_.end(),
                          [](const auto& a, const auto& b) { return a.second < b.second; })
      ->second;
}

}  // namespace reload::node
