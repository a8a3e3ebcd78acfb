#include "storage/kind_set.hpp"

#include "storage_fixtures.hpp"

using namespace reload;
using namespace reload::storage;
using namespace reload::storage::test;
using wire::DataModel;

namespace {

const crypto::Certificate& storer() {
  static const crypto::Certificate c = crypto::test::make_leaf(crypto::test::make_ca(), crypto::test::alice()).cert;
  return c;
}

const TimePoint t0 = TimePoint{} + 10h;

StoredValue entry(std::uint32_t index, std::string_view text, std::uint32_t lifetime = 60, std::uint64_t time = 1) {
  wire::StoredData d{time, lifetime, wire::ArrayEntry{index, present(text)}, {}};
  return StoredValue(wire::encode_to_buffer(d).value(), DataModel::array, expiry_after(t0, lifetime), storer());
}

StoredValue keyed(std::string_view key, std::string_view text) {
  wire::StoredData d{1, 60, wire::DictionaryEntry{wire::as_bytes(key), present(text)}, {}};
  return StoredValue(wire::encode_to_buffer(d).value(), DataModel::dictionary, expiry_after(t0, 60), storer());
}

}  // namespace

TEST_CASE("put adds, replaces, or finds the very same bytes") {
  KindSet set(array_kind, DataModel::array);
  CHECK(set.kind() == array_kind);
  CHECK(set.model() == DataModel::array);
  CHECK(set.generation() == 0);
  CHECK(set.empty());
  CHECK(set.put(entry(3, "c")) == KindSet::PutOutcome::added);
  CHECK(set.put(entry(1, "a")) == KindSet::PutOutcome::added);
  CHECK(set.put(entry(3, "C")) == KindSet::PutOutcome::replaced);
  CHECK(set.put(entry(3, "C")) == KindSet::PutOutcome::unchanged);
  REQUIRE(set.values().size() == 2);
  CHECK(set.values()[0].slot().index == 1);  // sorted by index
  CHECK(wire::as_string_view(set.find(Slot{3, {}}, t0)->value()) == "C");
  CHECK(set.find(Slot{2, {}}, t0) == nullptr);
  CHECK(set.array_end(t0) == 4);
  CHECK(set.live_count(t0) == 2);
}

TEST_CASE("expired values are invisible before purge, and gone after") {
  KindSet set(array_kind, DataModel::array);
  set.put(entry(0, "long", 600));
  set.put(entry(5, "short", 10));
  CHECK(set.earliest_expiry() == t0 + 10s);
  CHECK(set.array_end(t0) == 6);
  TimePoint later = t0 + 10s;
  CHECK(set.find(Slot{5, {}}, later) == nullptr);
  CHECK(set.array_end(later) == 1);
  CHECK(set.live_count(later) == 1);
  CHECK(set.values().size() == 2);
  CHECK(set.purge(later) == 1);
  CHECK(set.values().size() == 1);
  CHECK(set.earliest_expiry() == t0 + 600s);
  CHECK(set.purge(t0 + 600s) == 1);
  CHECK(set.empty());
  CHECK_FALSE(set.earliest_expiry().has_value());
  CHECK(set.array_end(t0) == 0);
}

TEST_CASE("dictionary entries sort by key; counters and replica numbers are plain fields") {
  KindSet set(dictionary_kind, DataModel::dictionary);
  set.put(keyed("pear", "2"));
  set.put(keyed("apple", "1"));
  set.put(keyed("", "0"));
  REQUIRE(set.values().size() == 3);
  CHECK(set.values()[0].slot().key.empty());
  CHECK(wire::as_string_view(set.values()[1].slot().key) == "apple");
  CHECK(wire::as_string_view(set.find(Slot{0, wire::as_bytes("pear")}, t0)->value()) == "2");
  set.set_generation(9);
  set.set_replica_number(2);
  CHECK(set.generation() == 9);
  CHECK(set.replica_number() == 2);
}
