#include "xmpp/seen_set.hpp"

#include <iterator>

namespace reload::xmpp {

void SeenSet::forget_expired(TimePoint now) {
  while (!by_last_seen_.empty() && expired(by_last_seen_.front(), now)) {
    index_.erase(by_last_seen_.front().key);
    by_last_seen_.pop_front();
  }
}

bool SeenSet::insert(std::string_view key, TimePoint now) {
  forget_expired(now);
  if (auto found = index_.find(key); found != index_.end()) {
    auto entry = found->second;
    entry->last_seen = now;
    by_last_seen_.splice(by_last_seen_.end(), by_last_seen_, entry);
    return false;
  }
  if (settings_.capacity == 0) return true;
  if (index_.size() >= settings_.capacity) {
    index_.erase(by_last_seen_.front().key);
    by_last_seen_.pop_front();
  }
  by_last_seen_.push_back(Entry{std::string(key), now});
  index_.emplace(by_last_seen_.back().key, std::prev(by_last_seen_.end()));
  return true;
}

bool SeenSet::contains(std::string_view key, TimePoint now) const {
  auto found = index_.find(key);
  return found != index_.end() && !expired(*found->second, now);
}

}  // namespace reload::xmpp
