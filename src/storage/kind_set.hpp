// The values of one Kind at one Resource-ID (RFC 6940 section 7.2), with the Kind's
// generation counter (section 7.4.1.1) and the replica number of the store that last
// changed them (section 10.4).
//
// Values are kept in one vector sorted by slot (stored_value.hpp): at most one for a single
// value, by index for an array (sparse: gaps hold nothing), by key for a dictionary. A
// Kind's max-count bounds the vector, so lookups are binary searches and an insert moves at
// most max-count entries. Expired values may linger until purge(); every reader passes
// `now` and skips them, so an expired value behaves as absent even before it is purged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "storage/stored_value.hpp"
#include "wire/codec_context.hpp"

namespace reload::storage {

class KindSet {
 public:
  KindSet(wire::KindId kind, wire::DataModel model) : kind_(kind), model_(model) {}

  wire::KindId kind() const noexcept { return kind_; }
  wire::DataModel model() const noexcept { return model_; }

  // Where the store starts it (0 for the first set ever), +1 per changing store, or what a
  // replica store set it to.
  std::uint64_t generation() const noexcept { return generation_; }
  void set_generation(std::uint64_t g) noexcept { generation_ = g; }
  // 0: this peer holds the data as the responsible peer; 1, 2...: as a replica.
  std::uint8_t replica_number() const noexcept { return replica_number_; }
  void set_replica_number(std::uint8_t n) noexcept { replica_number_ = n; }

  // The live value in `slot`, or nullptr.
  const StoredValue* find(const Slot& slot, TimePoint now) const noexcept;
  // One past the highest live array index (0 for an empty array): where an append goes.
  std::uint64_t array_end(TimePoint now) const noexcept;
  std::size_t live_count(TimePoint now) const noexcept;
  bool has_live(TimePoint now) const noexcept;
  // Every value, sorted by slot, expired ones included (check live(now)).
  std::span<const StoredValue> values() const noexcept { return values_; }
  bool empty() const noexcept { return values_.empty(); }

  enum class PutOutcome : std::uint8_t { added, replaced, unchanged };
  // Puts `v` in its slot, replacing what is there. `unchanged` when the slot held the very
  // same bytes (the expiry is still renewed).
  PutOutcome put(StoredValue v);
  // Removes values whose lifetime has ended; returns how many.
  std::size_t purge(TimePoint now);
  // The earliest expiry among the values, if any.
  std::optional<TimePoint> earliest_expiry() const noexcept;

 private:
  std::vector<StoredValue>::const_iterator lower_bound(const Slot& slot) const noexcept;

  wire::KindId kind_;
  wire::DataModel model_;
  std::uint8_t replica_number_ = 0;
  std::uint64_t generation_ = 0;
  std::vector<StoredValue> values_;
};

}  // namespace reload::storage
