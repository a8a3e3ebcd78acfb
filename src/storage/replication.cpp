// DataStore's replication hooks (RFC 6940 sections 10.4 and 10.7.3): what is stored, a
// StoreReq that copies a resource elsewhere, forgetting and relabelling by ring range.
#include <algorithm>

#include "storage/data_store.hpp"

namespace reload::storage {

namespace {

Slot slot_of(const wire::StoredDataValue& v) {
  if (const auto* a = std::get_if<wire::ArrayEntry>(&v)) return {a->index, {}};
  if (const auto* d = std::get_if<wire::DictionaryEntry>(&v)) return {0, d->key};
  return {};
}

}  // namespace

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

DataStore::Resources::iterator DataStore::forget(Resources::iterator it, std::size_t& dropped) noexcept {
  for (const auto& set : it->second) {
    dropped += set.values().size();
    value_count_ -= set.values().size();
    retire(set);
  }
  return resources_.erase(it);
}

std::size_t DataStore::drop_outside(const RingRange& keep) {
  std::size_t dropped = 0;
  for (auto it = resources_.begin(); it != resources_.end();)
    it = keep.contains(it->first) ? std::next(it) : forget(it, dropped);
  compact_expiry_heap();
  return dropped;
}

std::size_t DataStore::drop(const wire::ResourceId& resource) {
  std::size_t dropped = 0;
  if (auto it = resources_.find(resource); it != resources_.end()) forget(it, dropped);
  compact_expiry_heap();  // its expiry entries are stale now; amortised, as after a replace
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

namespace reload::storage {

std::optional<wire::FetchReq> DataStore::fetch_everything(const wire::ResourceId& resource) const {
  auto r = resources_.find(resource);
  if (r == resources_.end() || r->second.empty()) return std::nullopt;
  wire::FetchReq req{resource, {}};
  for (const auto& set : r->second) {
    const auto* kind = config_.find_kind(set.kind());
    if (!kind) continue;
    wire::ModelSpecifier model = wire::SingleValueSpecifier{};
    if (kind->data_model == wire::DataModel::array) model = wire::ArraySpecifier{{wire::ArrayRange{}}};
    if (kind->data_model == wire::DataModel::dictionary) model = wire::DictionarySpecifier{};  // every key
    req.specifiers.push_back({set.kind(), 0, std::move(model)});
  }
  if (req.specifiers.empty()) return std::nullopt;
  return req;
}

Result<std::size_t> DataStore::adopt_newer(const wire::ResourceId& resource, const wire::FetchAns& fetched,
                                           const StoreContext& ctx) {
  const auto label = replica_number(resource);
  // As a replica store: the counters are copied, and no request signer is asked for (each
  // value's own signature and its signer's rights are still checked).
  wire::StoreReq request{resource, 1, {}};
  std::size_t taken = 0;
  for (const auto& response : fetched.kind_responses) {
    if (!config_.find_kind(response.kind)) continue;
    const KindSet* set = find_set(resource, response.kind);
    wire::StoreKindData kind{response.kind, std::max<std::uint64_t>(response.generation, 1), {}};
    for (const auto& v : response.values) {
      if (wire::is_synthesized(v.signature)) continue;  // "nothing stored here", made up by the peer
      const StoredValue* ours = set ? set->find(slot_of(v.value), ctx.now) : nullptr;
      if (ours && ours->storage_time() >= v.storage_time) continue;
      kind.values.push_back(v);
    }
    if (kind.values.empty()) continue;
    taken += kind.values.size();
    request.kind_data.push_back(std::move(kind));
  }
  if (request.kind_data.empty()) return std::size_t{0};
  if (auto stored = store(request, ctx); !stored) return stored.error();
  set_replica_number(resource, label.value_or(1));
  return taken;
}

}  // namespace reload::storage
