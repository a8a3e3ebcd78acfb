#include "node/transaction_table.hpp"

#include <algorithm>

namespace reload::node {

bool TransactionTable::start(std::uint64_t id, wire::Buffer encoded, TimePoint now, int transmissions) {
  if (by_id_.contains(id)) return false;
  const int most = transmissions > 0 ? std::min(transmissions, settings_.max_transmissions) : settings_.max_transmissions;
  Entry e{std::move(encoded), 1, most, settings_.timer, now + settings_.timer};
  deadlines_.emplace(e.deadline, id);
  by_id_.emplace(id, std::move(e));
  return true;
}

bool TransactionTable::complete(std::uint64_t id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return false;
  deadlines_.erase({it->second.deadline, id});
  by_id_.erase(it);
  return true;
}

std::optional<TimePoint> TransactionTable::periodic(TimePoint now, Due& due) {
  due.resend.clear();
  due.failed.clear();
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    auto [deadline, id] = *deadlines_.begin();
    deadlines_.erase(deadlines_.begin());
    auto& e = by_id_.at(id);
    if (e.transmissions >= e.max_transmissions) {
      due.failed.push_back(id);
      by_id_.erase(id);
      continue;
    }
    ++e.transmissions;
    if (settings_.backoff) e.wait *= 2;
    e.deadline = now + e.wait;
    deadlines_.emplace(e.deadline, id);
    due.resend.emplace_back(id, wire::Bytes(e.message));
  }
  if (deadlines_.empty()) return std::nullopt;
  return deadlines_.begin()->first;
}

}  // namespace reload::node
