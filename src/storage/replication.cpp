// DataStore's replication hooks (RFC 6940 sections 10.4 and 10.7.3): what is stored, a
// StoreReq that copies a resource elsewhere, forgetting and relabelling by ring range.
#include <algorithm>

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

std::vector<HandOff> DataStore::hand_off(const wire::ResourceId& resource, std::uint8_t replica_number,
                                         TimePoint now, std::size_t max_size) const {
  auto r = resources_.find(resource);
  if (r == resources_.end()) return {};
  // First the split: which values go into which StoreReq, each within max_size.
  struct Part {
    std::vector<std::pair<const KindSet*, std::vector<const StoredValue*>>> kinds;
    std::vector<crypto::Certificate> certificates;
    std::size_t size = 0;
  };
  // resource_id<0..255>, replica_number, kind_data<0..2^32-1>; per Kind: kind, generation
  // counter, values<0..2^32-1>; per certificate: type and certificate<0..2^16-1>.
  const std::size_t request_overhead = 1 + resource.size() + 1 + 4, kind_overhead = 4 + 8 + 4,
                    certificate_overhead = 1 + 2;
  std::vector<Part> parts;
  for (const auto& set : r->second) {
    for (const auto& v : set.values()) {
      if (!v.live(now)) continue;
      auto new_kind = [&](const Part& p) { return p.kinds.empty() || p.kinds.back().first != &set; };
      auto cost = [&](const Part& p) {
        bool new_storer = std::find(p.certificates.begin(), p.certificates.end(), v.storer()) == p.certificates.end();
        return v.encoded().size() + (new_kind(p) ? kind_overhead : 0) +
               (new_storer ? v.storer().der().size() + certificate_overhead : 0);
      };
      if (parts.empty() || (!parts.back().kinds.empty() && parts.back().size + cost(parts.back()) > max_size))
        parts.push_back(Part{{}, {}, request_overhead});
      Part& p = parts.back();
      if (new_kind(p)) {
        p.kinds.push_back({&set, {}});
        p.size += kind_overhead;
      }
      p.kinds.back().second.push_back(&v);
      p.size += v.encoded().size();
      if (add_storer(p.certificates, v)) p.size += v.storer().der().size() + certificate_overhead;
    }
  }
  // Then each part as a StoreReq.
  std::vector<HandOff> out;
  for (auto& p : parts) {
    HandOff h;
    h.certificates = std::move(p.certificates);
    wire::Writer w(h.store_req);
    w.resource_id(resource);
    w.u8(replica_number);
    {
      auto kind_data = w.length_prefix(4, "StoreReq.kind_data");
      for (const auto& [set, values] : p.kinds) {
        w.u32(set->kind());
        w.u64(set->generation());
        auto encoded_values = w.length_prefix(4, "StoreKindData.values");
        // The bytes the storer signed go out as they are; only the lifetime, which the
        // signature does not cover, shrinks to what is left (section 7.4.1.1).
        for (const auto* v : values) v->append_as_of(w, now);
      }
    }
    if (!w.ok()) return {};
    out.push_back(std::move(h));
  }
  return out;
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

std::size_t DataStore::set_replica_number(const wire::ResourceId& resource, std::uint8_t replica_number) {
  auto it = resources_.find(resource);
  if (it == resources_.end()) return 0;
  std::size_t changed = 0;
  for (auto& set : it->second) {
    if (set.replica_number() == replica_number) continue;
    set.set_replica_number(replica_number);
    ++changed;
  }
  return changed;
}

}  // namespace reload::storage
