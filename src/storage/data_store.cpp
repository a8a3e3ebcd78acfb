// DataStore: construction, expiry and introspection. The methods live in store_method.cpp,
// fetch_method.cpp, find_method.cpp; replication in replication.cpp.
#include "storage/data_store.hpp"

#include <algorithm>
#include <functional>

namespace reload::storage {

namespace {
// The heap keeps its earliest entry in front.
constexpr auto later = [](const auto& a, const auto& b) { return a.at > b.at; };
}  // namespace

DataStore::DataStore(StorageConfig config)
    : config_(std::move(config)), node_multiple_(config_.resource_id_length) {}

const KindSet* DataStore::find_set(const wire::ResourceId& resource, wire::KindId kind) const noexcept {
  auto r = resources_.find(resource);
  if (r == resources_.end()) return nullptr;
  for (const auto& set : r->second)
    if (set.kind() == kind) return &set;
  return nullptr;
}

KindSet& DataStore::set_for(const wire::ResourceId& resource, const config::KindDefinition& kind) {
  Resource& sets = resources_[resource];
  for (auto& set : sets)
    if (set.kind() == kind.id) return set;
  KindSet& fresh = sets.emplace_back(kind.id, kind.data_model);
  fresh.set_generation(retired_generation_);
  return fresh;
}

void DataStore::retire(const KindSet& set) noexcept {
  retired_generation_ = std::max(retired_generation_, set.generation());
}

void DataStore::schedule(TimePoint at, const wire::ResourceId& resource, wire::KindId kind) {
  if (at == TimePoint::max()) return;  // never expires within this clock's range
  expiry_heap_.push_back({at, resource, kind});
  std::push_heap(expiry_heap_.begin(), expiry_heap_.end(), later);
  compact_expiry_heap();
}

// Replaced values leave stale entries behind. When they outnumber the live ones, the heap is
// rebuilt from the values themselves, so it stays within twice the number of values.
void DataStore::compact_expiry_heap() {
  if (expiry_heap_.size() <= 2 * value_count_ + 64) return;
  std::vector<ExpiryEntry> fresh;
  fresh.reserve(value_count_);
  for (const auto& [resource, sets] : resources_)
    for (const auto& set : sets)
      for (const auto& v : set.values())
        if (v.expiry() != TimePoint::max()) fresh.push_back({v.expiry(), resource, set.kind()});
  std::make_heap(fresh.begin(), fresh.end(), later);
  expiry_heap_ = std::move(fresh);
}

std::size_t DataStore::expire(TimePoint now) {
  std::size_t removed = 0;
  while (!expiry_heap_.empty() && expiry_heap_.front().at <= now) {
    std::pop_heap(expiry_heap_.begin(), expiry_heap_.end(), later);
    ExpiryEntry e = std::move(expiry_heap_.back());
    expiry_heap_.pop_back();
    auto r = resources_.find(e.resource);
    if (r == resources_.end()) continue;  // dropped since
    auto& sets = r->second;
    for (auto& set : sets)
      if (set.kind() == e.kind) removed += set.purge(now);
    std::erase_if(sets, [this](const KindSet& s) {
      if (s.empty()) retire(s);
      return s.empty();
    });
    if (sets.empty()) resources_.erase(r);
  }
  value_count_ -= removed;
  return removed;
}

std::optional<TimePoint> DataStore::next_expiry() const noexcept {
  if (expiry_heap_.empty()) return std::nullopt;
  return expiry_heap_.front().at;
}

std::uint64_t DataStore::generation(const wire::ResourceId& resource, wire::KindId kind) const noexcept {
  const KindSet* set = find_set(resource, kind);
  return set ? set->generation() : 0;
}

std::optional<std::uint8_t> DataStore::replica_number(const wire::ResourceId& resource,
                                                      wire::KindId kind) const noexcept {
  const KindSet* set = find_set(resource, kind);
  if (!set) return std::nullopt;
  return set->replica_number();
}

std::optional<std::uint8_t> DataStore::replica_number(const wire::ResourceId& resource) const noexcept {
  auto it = resources_.find(resource);
  if (it == resources_.end() || it->second.empty()) return std::nullopt;
  std::uint8_t lowest = 255;
  for (const auto& set : it->second) lowest = std::min(lowest, set.replica_number());
  return lowest;
}

StoreStats DataStore::stats() const noexcept {
  StoreStats s;
  s.resources = resources_.size();
  for (const auto& [resource, sets] : resources_) {
    s.sets += sets.size();
    for (const auto& set : sets) {
      s.values += set.values().size();
      for (const auto& v : set.values()) s.encoded_bytes += v.encoded().size();
    }
  }
  return s;
}

}  // namespace reload::storage
