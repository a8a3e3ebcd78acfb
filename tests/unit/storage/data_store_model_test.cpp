// Random Store / Fetch / expiry sequences against a plain reference model of section 7's
// rules: whatever the store answers, a few maps and a counter must agree with it.
#include <map>
#include <random>

#include "storage/data_store.hpp"
#include "storage_fixtures.hpp"

using namespace reload;
using namespace reload::storage;
using namespace reload::storage::test;

namespace {

struct RefValue {
  std::string text;
  bool exists = true;
  std::uint64_t time = 0;
  TimePoint expiry;
};

// One Kind's values, keyed by slot: index (single value: 0, array: index) or key.
struct RefKind {
  std::map<std::uint32_t, RefValue> by_index;
  std::map<std::string, RefValue> by_key;
  std::uint64_t generation = 0;  // what a Fetch shows
  // expire() forgot the set: the next store starts a counter above every one seen.
  std::optional<std::uint64_t> forgotten_at;
};

struct Proposed {
  std::uint32_t index = 0;  // wire::array_last_index: append
  std::string key;
  RefValue value;
};

template <class Map>
std::size_t live_count(const Map& m, TimePoint now) {
  std::size_t n = 0;
  for (const auto& [slot, v] : m) n += now < v.expiry;
  return n;
}

std::uint64_t array_end(const RefKind& k, TimePoint now) {
  std::uint64_t end = 0;
  for (const auto& [i, v] : k.by_index)
    if (now < v.expiry) end = std::uint64_t{i} + 1;
  return end;
}

class Model {
 public:
  explicit Model(std::uint32_t seed) : rng_(seed) {}

  void run(int steps) {
    for (int step = 0; step < steps; ++step) {
      CAPTURE(step);
      int op = pick(0, 99);
      if (op < 55) store();
      else if (op < 80) compare();
      else if (op < 90) b_.now += std::chrono::seconds(pick(1, 40));
      else expire();
    }
    compare();
    expire();
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  wire::StoredDataValue wire_value(wire::KindId kind, const Proposed& p, wire::DataValue dv) {
    if (kind == array_kind) return wire::ArrayEntry{p.index, dv};
    if (kind == dictionary_kind) return wire::DictionaryEntry{wire::as_bytes(p.key), dv};
    return dv;
  }

  const std::string& keep_text(std::string s) { return texts_.emplace_back(std::move(s)); }

  void store() {
    const wire::KindId kinds[] = {single_kind, array_kind, dictionary_kind};
    wire::KindId kind = kinds[pick(0, 2)];
    RefKind& ref = ref_[kind];
    const auto* def = b_.store.config().find_kind(kind);
    int n = pick(1, 3);
    std::vector<Proposed> proposed;
    for (int i = 0; i < n; ++i) {
      Proposed p;
      if (kind == array_kind) p.index = pick(0, 9) < 4 ? wire::array_last_index : static_cast<std::uint32_t>(pick(0, 6));
      if (kind == dictionary_kind) p.key = std::string(1, static_cast<char>('a' + pick(0, 5)));
      p.value.exists = pick(0, 99) < 85;
      p.value.text = p.value.exists ? (pick(0, 99) < 3 ? std::string(101, 'L') : "t" + std::to_string(pick(0, 999))) : "";
      p.value.time = clock_ms_ + static_cast<std::uint64_t>(pick(0, 12)) - 3;
      std::uint32_t lifetime = static_cast<std::uint32_t>(pick(5, 60));
      p.value.expiry = b_.now + std::chrono::seconds(lifetime);
      proposed.push_back(p);
      lifetimes_.push_back(lifetime);
    }
    clock_ms_ += 5;

    std::vector<wire::StoredData> values;
    for (std::size_t i = 0; i < proposed.size(); ++i) {
      const auto& p = proposed[i];
      const auto& text = keep_text(p.value.text);
      wire::DataValue dv{p.value.exists, wire::as_bytes(text)};
      values.push_back(b_.sign(b_.alice, resource_, kind, wire_value(kind, p, dv), p.value.time,
                               lifetimes_[lifetimes_.size() - proposed.size() + i]));
    }
    auto got = b_.put(b_.alice, resource_, kind, values);

    // The reference: sizes, then each value in turn against the one it replaces, then the count.
    std::optional<errc> expected;
    for (const auto& p : proposed)
      if (p.value.text.size() > def->max_size) expected = errc::data_too_large;
    std::map<std::uint32_t, RefValue> by_index;
    std::map<std::string, RefValue> by_key;
    for (const auto& [i, v] : ref.by_index)
      if (b_.now < v.expiry) by_index[i] = v;
    for (const auto& [k, v] : ref.by_key)
      if (b_.now < v.expiry) by_key[k] = v;
    std::uint64_t end = array_end(ref, b_.now);
    for (auto p : proposed) {
      if (expected) break;
      RefValue* prior = nullptr;
      if (kind == dictionary_kind) {
        if (auto it = by_key.find(p.key); it != by_key.end()) prior = &it->second;
      } else {
        if (kind == array_kind && p.index == wire::array_last_index) p.index = static_cast<std::uint32_t>(end);
        if (kind == array_kind) end = std::max<std::uint64_t>(end, std::uint64_t{p.index} + 1);
        if (auto it = by_index.find(p.index); it != by_index.end()) prior = &it->second;
      }
      if (prior && p.value.time < prior->time) expected = errc::data_too_old;
      if (kind == dictionary_kind)
        by_key[p.key] = p.value;
      else
        by_index[p.index] = p.value;
    }
    if (!expected && by_index.size() + by_key.size() > def->max_count) expected = errc::data_too_large;

    if (expected) {
      REQUIRE_FALSE(got.has_value());
      CHECK(got.error().code == *expected);
      return;
    }
    REQUIRE_MESSAGE(got.has_value(), to_string(got.error()));
    ref.by_index = std::move(by_index);
    ref.by_key = std::move(by_key);
    std::uint64_t counter = store_ans(got).kind_responses[0].generation_counter;
    if (ref.forgotten_at) {
      CHECK(counter > *ref.forgotten_at);
      ref.forgotten_at.reset();
      ref.generation = counter;
    } else {
      CHECK(counter == ++ref.generation);
    }
  }

  void check_value(const wire::StoredData& got, const RefValue* want) {
    if (!want) {
      CHECK_FALSE(exists(got));
      CHECK(got.storage_time == 0);
      CHECK(wire::is_synthesized(got.signature));
      return;
    }
    CHECK(exists(got) == want->exists);
    CHECK(text_of(got) == want->text);
    CHECK(got.storage_time == want->time);
  }

  void compare() {
    auto ans = b_.fetch(resource_, {single(single_kind), ranges(array_kind, {{0, wire::array_last_index}}),
                                    keys(dictionary_kind, {})});
    REQUIRE(ans.kind_responses.size() == 3);
    auto live = [&](const RefValue& v) { return b_.now < v.expiry; };

    const RefKind& s = ref_[single_kind];
    CHECK(ans.kind_responses[0].generation == s.generation);
    REQUIRE(ans.kind_responses[0].values.size() == 1);
    auto it = s.by_index.find(0);
    check_value(ans.kind_responses[0].values[0], it != s.by_index.end() && live(it->second) ? &it->second : nullptr);

    const RefKind& a = ref_[array_kind];
    CHECK(ans.kind_responses[1].generation == a.generation);
    const auto& got = ans.kind_responses[1].values;
    REQUIRE(got.size() == array_end(a, b_.now));
    for (std::uint32_t i = 0; i < got.size(); ++i) {
      CHECK(std::get<wire::ArrayEntry>(got[i].value).index == i);
      auto e = a.by_index.find(i);
      check_value(got[i], e != a.by_index.end() && live(e->second) ? &e->second : nullptr);
    }

    const RefKind& d = ref_[dictionary_kind];
    CHECK(ans.kind_responses[2].generation == d.generation);
    const auto& entries = ans.kind_responses[2].values;
    REQUIRE(entries.size() == live_count(d.by_key, b_.now));
    std::size_t i = 0;
    for (const auto& [key, v] : d.by_key) {
      if (!live(v)) continue;
      CHECK(wire::as_string_view(std::get<wire::DictionaryEntry>(entries[i].value).key) == key);
      check_value(entries[i], &v);
      ++i;
    }
  }

  void expire() {
    b_.store.expire(b_.now);
    std::size_t live = 0;
    for (auto& [kind, k] : ref_) {
      std::size_t n = live_count(k.by_index, b_.now) + live_count(k.by_key, b_.now);
      live += n;
      if (n == 0 && k.generation != 0) {  // the store forgot this set, counter and all
        k.forgotten_at = std::max(k.forgotten_at.value_or(0), k.generation);
        k.generation = 0;
      }
    }
    CHECK(b_.store.stats().values == live);
    if (auto next = b_.store.next_expiry()) CHECK(*next > b_.now);
  }

  std::mt19937 rng_;
  Bench b_;
  wire::ResourceId resource_ = b_.alice.user_resource();
  std::map<wire::KindId, RefKind> ref_;
  std::deque<std::string> texts_;  // the signed values view these
  std::vector<std::uint32_t> lifetimes_;
  std::uint64_t clock_ms_ = 1'000'000;
};

}  // namespace

TEST_CASE("random Store, Fetch and expiry sequences agree with a reference model") {
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    Model(seed).run(250);
  }
}
