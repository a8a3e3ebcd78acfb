#include "storage/kind_set.hpp"

#include <algorithm>

namespace reload::storage {

std::vector<StoredValue>::const_iterator KindSet::lower_bound(const Slot& slot) const noexcept {
  return std::lower_bound(values_.begin(), values_.end(), slot,
                          [](const StoredValue& v, const Slot& s) { return v.slot() < s; });
}

const StoredValue* KindSet::find(const Slot& slot, TimePoint now) const noexcept {
  auto it = lower_bound(slot);
  if (it == values_.end() || !(it->slot() == slot) || !it->live(now)) return nullptr;
  return &*it;
}

std::uint64_t KindSet::array_end(TimePoint now) const noexcept {
  for (auto it = values_.rbegin(); it != values_.rend(); ++it)
    if (it->live(now)) return std::uint64_t{it->slot().index} + 1;
  return 0;
}

std::size_t KindSet::live_count(TimePoint now) const noexcept {
  return static_cast<std::size_t>(
      std::count_if(values_.begin(), values_.end(), [now](const StoredValue& v) { return v.live(now); }));
}

bool KindSet::has_live(TimePoint now) const noexcept {
  return std::any_of(values_.begin(), values_.end(), [now](const StoredValue& v) { return v.live(now); });
}

KindSet::PutOutcome KindSet::put(StoredValue v) {
  auto at = values_.begin() + (lower_bound(v.slot()) - values_.cbegin());
  if (at == values_.end() || !(at->slot() == v.slot())) {
    values_.insert(at, std::move(v));
    return PutOutcome::added;
  }
  bool same = wire::equal_bytes(at->encoded(), v.encoded());
  *at = std::move(v);
  return same ? PutOutcome::unchanged : PutOutcome::replaced;
}

std::size_t KindSet::purge(TimePoint now) {
  auto before = values_.size();
  std::erase_if(values_, [now](const StoredValue& v) { return !v.live(now); });
  return before - values_.size();
}

std::optional<TimePoint> KindSet::earliest_expiry() const noexcept {
  if (values_.empty()) return std::nullopt;
  auto it = std::min_element(values_.begin(), values_.end(),
                             [](const StoredValue& a, const StoredValue& b) { return a.expiry() < b.expiry(); });
  return it->expiry();
}

}  // namespace reload::storage
