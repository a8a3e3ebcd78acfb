#include "xmpp/seen_set.hpp"

#include <algorithm>
#include <bit>
#include <functional>

namespace reload::xmpp {

SeenSet::SeenSet(SeenSetSettings settings) : settings_(settings) {
  // The table, twice the capacity rounded up to a power of two, stays within what a 32-bit
  // hash addresses (entry numbers are 32 bits too, one of them meaning none).
  settings_.capacity = std::min<std::size_t>(settings_.capacity, std::size_t{1} << 30);
}

std::size_t SeenSet::slot_of(std::string_view key, std::uint32_t hash) const {
  const std::size_t mask = table_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot slot = table_[i];
    if (slot.entry == none || (slot.hash == hash && entries_[slot.entry].key == key)) return i;
  }
}

SeenSet::Index SeenSet::find(std::string_view key, std::uint32_t hash) const {
  return table_.empty() ? none : table_[slot_of(key, hash)].entry;
}

void SeenSet::unlink(Index i) {
  Entry& e = entries_[i];
  (e.older != none ? entries_[e.older].newer : oldest_) = e.newer;
  (e.newer != none ? entries_[e.newer].older : newest_) = e.older;
  e.older = e.newer = none;
}

void SeenSet::link_newest(Index i) {
  Entry& e = entries_[i];
  e.older = newest_;
  e.newer = none;
  (newest_ != none ? entries_[newest_].newer : oldest_) = i;
  newest_ = i;
}

SeenSet::Index SeenSet::remove_oldest() {
  const Index victim = oldest_;
  const std::size_t mask = table_.size() - 1;
  std::size_t hole = entries_[victim].hash & mask;
  while (table_[hole].entry != victim) hole = (hole + 1) & mask;
  // Backward-shift deletion: entries after the hole that may live closer to their home slot
  // move into it, so that no probe ever stops early at the hole.
  for (std::size_t next = (hole + 1) & mask; table_[next].entry != none; next = (next + 1) & mask) {
    const std::size_t home = table_[next].hash & mask;
    const bool stays = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
    if (stays) continue;
    table_[hole] = table_[next];
    hole = next;
  }
  table_[hole] = Slot{};
  unlink(victim);
  --size_;
  return victim;
}

void SeenSet::forget_expired(TimePoint now) {
  while (oldest_ != none && expired(entries_[oldest_], now)) free_.push_back(remove_oldest());
  if (size_ == 0 && !entries_.empty()) {
    // An idle set gives its memory back.
    std::vector<Entry>().swap(entries_);
    std::vector<Index>().swap(free_);
  }
}

bool SeenSet::insert(std::string_view key, TimePoint now) {
  if (settings_.capacity == 0) return true;
  if (table_.empty())
    table_.assign(std::bit_ceil(std::max<std::size_t>(8, 2 * settings_.capacity)), Slot{});
  forget_expired(now);
  const std::uint32_t hash = hash_of(key);
  if (const Index seen = find(key, hash); seen != none) {
    entries_[seen].last_seen = now;
    unlink(seen);
    link_newest(seen);
    return false;
  }
  Index at;
  if (size_ >= settings_.capacity) {
    at = remove_oldest();
  } else if (!free_.empty()) {
    at = free_.back();
    free_.pop_back();
  } else {
    at = static_cast<Index>(entries_.size());
    entries_.emplace_back();
  }
  Entry& e = entries_[at];
  e.key.assign(key);  // in the evicted key's buffer when it is long enough
  e.hash = hash;
  e.last_seen = now;
  link_newest(at);
  ++size_;
  table_[slot_of(key, hash)] = Slot{at, hash};  // after the removals above, which move slots
  return true;
}

bool SeenSet::contains(std::string_view key, TimePoint now) const {
  const Index at = find(key, hash_of(key));
  return at != none && !expired(entries_[at], now);
}

}  // namespace reload::xmpp
