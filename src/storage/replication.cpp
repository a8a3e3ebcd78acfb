// DataStore's replication hooks (RFC 6940 sections 10.4 and 10.7.3): what is stored, a
// StoreReq that copies a resource elsewhere, forgetting and relabelling by ring range.
#include "storage/data_store.hpp"

namespace reload::storage {

std::vector<StoredSet> DataStore::stored_sets(TimePoint now) const {
  std::vector<StoredSet> out;
  for (const auto& [resource, sets] : resources_)
    for (const auto& set : sets)
      if (std::size_t n = set.live_count(now))
        out.push_back({resource, set.kind(), set.generation(), set.replica_number(), n});
  return out;
}

std::optional<HandOff> DataStore::hand_off(const wire::ResourceId& resource, std::uint8_t replica_number,
                                           TimePoint now) const {
  auto r = resources_.find(resource);
  if (r == resources_.end()) return std::nullopt;
  HandOff h;
  bool any = false;
  wire::Writer w(h.store_req);
  w.resource_id(resource);
  w.u8(replica_number);
  {
    auto kind_data = w.length_prefix(4, "StoreReq.kind_data");
    for (const auto& set : r->second) {
      if (!set.has_live(now)) continue;
      any = true;
      w.u32(set.kind());
      w.u64(set.generation());
      auto values = w.length_prefix(4, "StoreKindData.values");
      for (const auto& v : set.values()) {
        if (!v.live(now)) continue;
        // The bytes the storer signed go out as they are; only the lifetime, which the
        // signature does not cover, shrinks to what is left (section 7.4.1.1).
        v.append_as_of(w, now);
        add_storer(h.certificates, v);
      }
    }
  }
  if (!any || !w.ok()) return std::nullopt;
  return h;
}

std::size_t DataStore::drop_outside(const RingRange& keep) {
  std::size_t dropped = 0;
  for (auto it = resources_.begin(); it != resources_.end();) {
    if (keep.contains(it->first)) {
      ++it;
      continue;
    }
    for (const auto& set : it->second) {
      dropped += set.values().size();
      retire(set);
    }
    it = resources_.erase(it);
  }
  value_count_ -= dropped;
  compact_expiry_heap();
  return dropped;
}

std::size_t DataStore::set_replica_number(const RingRange& range, std::uint8_t replica_number) {
  std::size_t changed = 0;
  for (auto& [resource, sets] : resources_) {
    if (!range.contains(resource)) continue;
    for (auto& set : sets) {
      if (set.replica_number() == replica_number) continue;
      set.set_replica_number(replica_number);
      ++changed;
    }
  }
  return changed;
}

}  // namespace reload::storage
