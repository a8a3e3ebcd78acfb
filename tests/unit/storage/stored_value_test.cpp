#include "storage/stored_value.hpp"

#include <openssl/evp.h>

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

StoredValue make(const wire::StoredDataValue& value, DataModel model, std::uint64_t storage_time = 0x0102030405060708,
                 std::uint32_t lifetime = 60) {
  wire::StoredData d{storage_time, lifetime, value, {}};
  return StoredValue(wire::encode_to_buffer(d).value(), model, expiry_after(t0, lifetime), storer());
}

wire::StoredData decoded(const wire::Buffer& b, DataModel model) {
  return wire::decode_stored_data(b, model, wire::CodecContext{}).value();
}

}  // namespace

TEST_CASE("the parsed fields are read from the encoded bytes, for every model") {
  auto s = make(present("abc"), DataModel::single_value);
  CHECK(s.storage_time() == 0x0102030405060708);
  CHECK(s.stored_lifetime() == 60);
  CHECK(s.exists());
  CHECK(wire::as_string_view(s.value()) == "abc");
  CHECK(s.value_with_length().size() == 7);
  CHECK(s.value_with_length()[3] == 3);
  CHECK(s.slot() == Slot{});
  CHECK(s.storer() == storer());

  auto a = make(wire::ArrayEntry{7, present("xy")}, DataModel::array);
  CHECK(a.slot().index == 7);
  CHECK(wire::as_string_view(a.value()) == "xy");
  a.set_index(9);
  CHECK(a.slot().index == 9);
  CHECK(std::get<wire::ArrayEntry>(decoded(wire::to_buffer(a.encoded()), DataModel::array).value).index == 9);

  auto d = make(wire::DictionaryEntry{wire::as_bytes("key"), absent()}, DataModel::dictionary);
  CHECK(wire::as_string_view(d.slot().key) == "key");
  CHECK_FALSE(d.exists());
  CHECK(d.value().empty());
  d.set_index(3);  // only arrays have one
  CHECK(wire::as_string_view(d.slot().key) == "key");
}

TEST_CASE("lifetimes count down from the store and round up; expiry saturates") {
  auto s = make(present("v"), DataModel::single_value, 1, 60);
  CHECK(s.expiry() == t0 + 60s);
  CHECK(s.live(t0 + 59s));
  CHECK_FALSE(s.live(t0 + 60s));
  CHECK(s.remaining_lifetime(t0) == 60);
  CHECK(s.remaining_lifetime(t0 + 10s) == 50);
  CHECK(s.remaining_lifetime(t0 + 10s + 1ms) == 50);
  CHECK(s.remaining_lifetime(t0 + 59999ms) == 1);
  CHECK(s.remaining_lifetime(t0 + 60s) == 0);
  CHECK(expiry_after(TimePoint::max() - 1s, 60) == TimePoint::max());

  wire::Buffer out;
  wire::Writer w(out);
  s.append_as_of(w, t0 + 15s);
  auto d = decoded(out, DataModel::single_value);
  CHECK(d.lifetime == 45);
  CHECK(d.storage_time == 1);
  CHECK(out.size() == s.encoded().size());
  CHECK(s.stored_lifetime() == 60);  // the stored bytes are untouched
}

TEST_CASE("slots order by index, then by key bytes") {
  std::uint8_t ab[] = {'a', 'b'}, a[] = {'a'}, b[] = {'b'};
  CHECK(Slot{1, {}} < Slot{2, {}});
  CHECK(Slot{0, wire::Bytes(a)} < Slot{0, wire::Bytes(ab)});
  CHECK(Slot{0, wire::Bytes(ab)} < Slot{0, wire::Bytes(b)});
  CHECK_FALSE(Slot{0, wire::Bytes(a)} < Slot{0, wire::Bytes(a)});
  CHECK(Slot{0, wire::Bytes(a)} == Slot{0, wire::as_bytes("a")});
}

TEST_CASE("synthesized values: exists false, no storage time, identity none, algorithm {0,0}") {
  for (auto model : {DataModel::single_value, DataModel::array, DataModel::dictionary}) {
    CAPTURE(model);
    wire::Buffer out;
    wire::Writer w(out);
    append_nonexistent(w, model, Slot{4, model == DataModel::dictionary ? wire::as_bytes("k") : wire::Bytes{}});
    REQUIRE(w.ok());
    auto d = decoded(out, model);
    CHECK(d.storage_time == 0);
    CHECK(d.lifetime == 0);
    CHECK(wire::is_synthesized(d.signature));
    CHECK(d.signature.identity.identity_type == wire::SignerIdentityType::none);
    CHECK(d.signature.signature_value.empty());
    if (model == DataModel::single_value) CHECK_FALSE(std::get<wire::DataValue>(d.value).exists);
    if (model == DataModel::array) CHECK(std::get<wire::ArrayEntry>(d.value).index == 4);
    if (model == DataModel::dictionary) CHECK(wire::as_string_view(std::get<wire::DictionaryEntry>(d.value).key) == "k");
  }
}

TEST_CASE("metadata: length, SHA-256 over the length-prefixed value, lifetime left") {
  auto v = make(wire::DictionaryEntry{wire::as_bytes("k"), present("hello")}, DataModel::dictionary, 5, 100);
  wire::Buffer out;
  wire::Writer w(out);
  append_metadata(w, v, DataModel::dictionary, t0 + 40s);
  append_nonexistent_metadata(w, DataModel::dictionary, Slot{0, wire::as_bytes("q")});
  REQUIRE(w.ok());
  wire::Reader r(out);
  wire::StoredMetaData m, n;
  decode(r, m, DataModel::dictionary, wire::CodecContext{});
  decode(r, n, DataModel::dictionary, wire::CodecContext{});
  r.expect_end("end");
  REQUIRE(r.ok());
  CHECK(m.storage_time == 5);
  CHECK(m.lifetime == 60);
  auto meta = std::get<wire::DictionaryEntryMeta>(m.metadata);
  CHECK(wire::as_string_view(meta.key) == "k");
  CHECK(meta.value.exists);
  CHECK(meta.value.value_length == 5);
  CHECK(meta.value.hash_algorithm == wire::HashAlgorithm::sha256);
  std::uint8_t input[] = {0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o'};
  wire::Buffer expected(32);
  unsigned len = 0;
  REQUIRE(EVP_Digest(input, sizeof input, expected.data(), &len, EVP_sha256(), nullptr) == 1);
  CHECK(wire::equal_bytes(meta.value.hash_value, expected));
  auto none = std::get<wire::DictionaryEntryMeta>(n.metadata);
  CHECK(wire::as_string_view(none.key) == "q");
  CHECK_FALSE(none.value.exists);
  CHECK(none.value.hash_value.empty());
  CHECK(n.storage_time == 0);
}

TEST_CASE("a StoredValue costs 56 bytes besides its encoding") {
  CHECK(sizeof(StoredValue) <= 56);
}
