// A bounded memory of stanza keys already handled, so that the copies XEP-0415 section 6.2
// fan-out makes (originals to every device, carbons between a user's devices) are acted on
// once. Bounded twice: by count (least recently seen forgotten first) and by age (a key not
// seen for `ttl` is forgotten), so a flood of distinct ids costs at most `capacity` entries.
// Sans-I/O: the caller passes `now`, which must not go backwards (a steady clock).
//
// Every stanza of a busy stream passes through here, so the layout is flat: the entries sit
// in one array (their recency order linked by index), and an open-addressing table of entry
// numbers indexes them. Each slot of the table holds its key's hash too, so that a probe
// reads the table alone: in a full set every entry touched is a cache miss, and a probe
// touches one only for the key it probably seeks. Once full, a new key takes the slot and the
// string buffer of the key it evicts: no allocation per stanza, and a few cache lines touched
// instead of a chain of nodes. Keys that collide in the table (a peer can choose origin-ids)
// cost a longer probe, bounded by `capacity`.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace reload::xmpp {

using TimePoint = std::chrono::steady_clock::time_point;

struct SeenSetSettings {
  std::size_t capacity = 4096;
  // Copies of one stanza arrive within seconds of each other; ten minutes leaves room for a
  // link that comes back and for clients that resend after a reconnect.
  std::chrono::milliseconds ttl{std::chrono::minutes(10)};
};

class SeenSet {
 public:
  explicit SeenSet(SeenSetSettings settings = {});

  // Records `key` as seen at `now`. True when it is new (never seen, or forgotten); false for
  // a repeat, which also refreshes it, since more copies may still be on their way.
  bool insert(std::string_view key, TimePoint now);
  // Whether `key` is remembered at `now`, without refreshing it.
  bool contains(std::string_view key, TimePoint now) const;

  std::size_t size() const noexcept { return size_; }
  const SeenSetSettings& settings() const noexcept { return settings_; }

 private:
  using Index = std::uint32_t;
  static constexpr Index none = ~Index{0};

  struct Entry {
    std::string key;
    std::uint32_t hash = 0;
    TimePoint last_seen;
    Index older = none;  // recency order: toward the least recently seen
    Index newer = none;
  };

  bool expired(const Entry& entry, TimePoint now) const {
    return now - entry.last_seen >= settings_.ttl;
  }
  struct Slot {
    Index entry = none;
    std::uint32_t hash = 0;  // the entry's: its home slot, and most mismatches, without it
  };
  static std::uint32_t hash_of(std::string_view key) noexcept {
    return static_cast<std::uint32_t>(std::hash<std::string_view>{}(key));
  }
  // The table slot holding `key`'s entry, or the empty slot where it would go.
  std::size_t slot_of(std::string_view key, std::uint32_t hash) const;
  Index find(std::string_view key, std::uint32_t hash) const;
  void unlink(Index i);
  void link_newest(Index i);
  // Takes the least recently seen entry out of the table and the order; returns its number.
  Index remove_oldest();
  void forget_expired(TimePoint now);

  SeenSetSettings settings_;
  std::vector<Entry> entries_;  // grows to capacity, then its entries are reused
  std::vector<Index> free_;     // entries forgotten by age, to be reused
  std::vector<Slot> table_;     // a power of two long, at most 2^31 (homes from 32-bit hashes)
  std::size_t size_ = 0;
  Index oldest_ = none;
  Index newest_ = none;
};

}  // namespace reload::xmpp
