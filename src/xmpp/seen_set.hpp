// A bounded memory of stanza keys already handled, so that the copies XEP-0415 section 6.2
// fan-out makes (originals to every device, carbons between a user's devices) are acted on
// once. Bounded twice: by count (least recently seen forgotten first) and by age (a key not
// seen for `ttl` is forgotten), so a flood of distinct ids costs at most `capacity` entries.
// Sans-I/O: the caller passes `now`, which must not go backwards (a steady clock).
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

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
  explicit SeenSet(SeenSetSettings settings = {}) : settings_(settings) {}
  // The index holds views into the list's nodes: a copy would point into the original.
  SeenSet(const SeenSet&) = delete;
  SeenSet& operator=(const SeenSet&) = delete;
  SeenSet(SeenSet&&) = default;
  SeenSet& operator=(SeenSet&&) = default;

  // Records `key` as seen at `now`. True when it is new (never seen, or forgotten); false for
  // a repeat, which also refreshes it, since more copies may still be on their way.
  bool insert(std::string_view key, TimePoint now);
  // Whether `key` is remembered at `now`, without refreshing it.
  bool contains(std::string_view key, TimePoint now) const;

  std::size_t size() const noexcept { return index_.size(); }
  const SeenSetSettings& settings() const noexcept { return settings_; }

 private:
  struct Entry {
    std::string key;
    TimePoint last_seen;
  };
  bool expired(const Entry& entry, TimePoint now) const {
    return now - entry.last_seen >= settings_.ttl;
  }
  void forget_expired(TimePoint now);

  SeenSetSettings settings_;
  std::list<Entry> by_last_seen_;  // least recently seen first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // views into the list
};

}  // namespace reload::xmpp
