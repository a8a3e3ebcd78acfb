#include "xmpp/seen_set.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <list>
#include <random>
#include <string>

using namespace reload::xmpp;
using namespace std::chrono_literals;

TEST_CASE("a key is new once, then a repeat") {
  SeenSet seen;
  TimePoint t0{};
  CHECK(seen.insert("alice:1", t0));
  CHECK_FALSE(seen.insert("alice:1", t0 + 1s));
  CHECK(seen.insert("alice:2", t0 + 1s));
  CHECK(seen.contains("alice:1", t0 + 2s));
  CHECK_FALSE(seen.contains("bob:1", t0 + 2s));
  CHECK(seen.size() == 2);
}

TEST_CASE("the capacity bound forgets the least recently seen key first") {
  SeenSet seen(SeenSetSettings{3, 1h});
  TimePoint t0{};
  seen.insert("a", t0);
  seen.insert("b", t0 + 1s);
  seen.insert("c", t0 + 2s);
  CHECK_FALSE(seen.insert("a", t0 + 3s));  // seen again: now the most recent
  CHECK(seen.insert("d", t0 + 4s));        // evicts b, the least recently seen
  CHECK(seen.size() == 3);
  CHECK_FALSE(seen.contains("b", t0 + 4s));
  CHECK(seen.contains("a", t0 + 4s));
  CHECK(seen.contains("c", t0 + 4s));
  CHECK(seen.contains("d", t0 + 4s));
  CHECK(seen.insert("b", t0 + 5s));  // forgotten, so new again; evicts c
  CHECK_FALSE(seen.contains("c", t0 + 5s));
}

TEST_CASE("many distinct keys never hold more than the capacity") {
  SeenSet seen(SeenSetSettings{100, 1h});
  TimePoint t0{};
  for (int i = 0; i < 10000; ++i) CHECK(seen.insert("k" + std::to_string(i), t0 + 1ms * i));
  CHECK(seen.size() == 100);
  CHECK(seen.contains("k9999", t0 + 10s));
  CHECK(seen.contains("k9900", t0 + 10s));
  CHECK_FALSE(seen.contains("k9899", t0 + 10s));
}

TEST_CASE("the time bound forgets keys not seen for ttl; a repeat refreshes the key") {
  SeenSet seen(SeenSetSettings{10, 60s});
  TimePoint t0{};
  seen.insert("a", t0);
  seen.insert("b", t0 + 30s);
  CHECK(seen.contains("a", t0 + 59s));
  CHECK_FALSE(seen.contains("a", t0 + 60s));  // ttl reached
  CHECK_FALSE(seen.insert("b", t0 + 80s));    // b, seen 50 s ago, refreshed at 80 s
  CHECK(seen.insert("a", t0 + 80s));          // a had expired: new again
  CHECK(seen.size() == 2);
  CHECK(seen.contains("b", t0 + 139s));
  CHECK_FALSE(seen.contains("b", t0 + 140s));
  CHECK(seen.insert("c", t0 + 200s));  // expired entries are dropped on insert
  CHECK(seen.size() == 1);
}

TEST_CASE("capacity zero remembers nothing") {
  SeenSet seen(SeenSetSettings{0, 60s});
  TimePoint t0{};
  CHECK(seen.insert("a", t0));
  CHECK(seen.insert("a", t0));
  CHECK(seen.size() == 0);
}

TEST_CASE("keys are compared by bytes, embedded NULs included") {
  SeenSet seen;
  TimePoint t0{};
  using namespace std::string_literals;
  CHECK(seen.insert("a\0b"s, t0));
  CHECK(seen.insert("a\0c"s, t0));
  CHECK(seen.insert("a"s, t0));
  CHECK_FALSE(seen.insert("a\0b"s, t0));
}

TEST_CASE("a moved seen-set keeps working") {
  SeenSet first(SeenSetSettings{2, 1h});
  TimePoint t0{};
  first.insert("a", t0);
  first.insert("b", t0);
  SeenSet second(std::move(first));
  CHECK_FALSE(second.insert("a", t0 + 1s));
  CHECK(second.insert("c", t0 + 2s));  // evicts b
  CHECK_FALSE(second.contains("b", t0 + 2s));
  CHECK(second.contains("a", t0 + 2s));
}

TEST_CASE("many keys sharing table slots: every answer matches a plain model of the set") {
  // Small capacities make the open-addressing table crowded (collisions, deletions in the
  // middle of probe runs, wrap-around), and repeats and expiry reorder the entries. The model
  // is the definition: a key is remembered while it is among the `capacity` most recently
  // seen and was seen less than ttl ago.
  for (std::size_t capacity : {1u, 3u, 7u, 64u}) {
    SeenSet seen(SeenSetSettings{capacity, 50s});
    std::list<std::pair<std::string, TimePoint>> model;  // most recently seen last
    std::mt19937 random(static_cast<unsigned>(capacity));
    TimePoint now{};
    for (int step = 0; step < 20000; ++step) {
      now += std::chrono::milliseconds(random() % 1000);
      std::erase_if(model, [&](const auto& m) { return now - m.second >= 50s; });
      const std::string key = "k" + std::to_string(random() % (3 * capacity + 2));
      auto found =
          std::find_if(model.begin(), model.end(), [&](const auto& m) { return m.first == key; });
      if (random() % 4 == 0) {
        REQUIRE(seen.contains(key, now) == (found != model.end()));
        continue;
      }
      const bool is_new = found == model.end();
      if (!is_new) model.erase(found);
      model.emplace_back(key, now);
      if (model.size() > capacity) model.pop_front();
      REQUIRE(seen.insert(key, now) == is_new);
      REQUIRE(seen.size() == model.size());
    }
    for (const auto& [key, at] : model) CHECK(seen.contains(key, now));
  }
}
