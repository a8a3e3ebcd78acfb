#include "storage/fetched_values.hpp"

#include "storage_fixtures.hpp"

using namespace reload;
using namespace reload::storage;
using namespace reload::storage::test;

namespace {

// A fetching node that has seen no certificate yet: it trusts the test CA and nothing else.
crypto::CertificateCache fresh_cache(const Bench& b) {
  return crypto::CertificateCache(crypto::TrustStore(crypto::test::policy_for(b.ca)));
}

wire::FetchAns answer_of(wire::KindId kind, std::vector<wire::StoredData> values) {
  return wire::FetchAns{{wire::FetchKindResponse{kind, 1, std::move(values)}}};
}

// Alice's "hello" at her own resource, as a FetchAns holds it.
wire::FetchAns alices_hello(Bench& b) {
  auto r = b.alice.user_resource();
  return answer_of(single_kind, {b.sign(b.alice, r, single_kind, present("hello"), 1000)});
}

}  // namespace

TEST_CASE("values that verify against the certificates the answer carries are all kept") {
  Bench b;
  auto ans = alices_hello(b);
  auto cache = fresh_cache(b);
  CHECK(drop_unverified_values(ans, b.alice.user_resource(), b.certificates({&b.alice}), cache, b.wall) == 0);
  REQUIRE(ans.kind_responses[0].values.size() == 1);
  CHECK(text_of(ans.kind_responses[0].values[0]) == "hello");
}

TEST_CASE("a value whose storer's certificate is neither carried nor cached is discarded") {
  Bench b;
  auto ans = alices_hello(b);
  auto cache = fresh_cache(b);
  CHECK(drop_unverified_values(ans, b.alice.user_resource(), {}, cache, b.wall) == 1);
  CHECK(ans.kind_responses[0].values.empty());
}

TEST_CASE("a value changed after signing, or signed for another Resource-ID, is discarded; the rest is kept") {
  Bench b;
  auto r = b.alice.user_resource();
  auto entry = [&](const wire::ResourceId& at, const char* k, const char* s) {
    return b.sign(b.alice, at, dictionary_kind, wire::DictionaryEntry{wire::as_bytes(k), present(s)}, 1);
  };
  auto tampered = entry(r, "pear", "2");
  std::get<wire::DictionaryEntry>(tampered.value).value = present("200");
  auto elsewhere = entry(b.bob.user_resource(), "plum", "3");
  auto ans = answer_of(dictionary_kind, {entry(r, "apple", "1"), tampered, elsewhere});
  auto cache = fresh_cache(b);
  CHECK(drop_unverified_values(ans, r, b.certificates({&b.alice}), cache, b.wall) == 2);
  REQUIRE(ans.kind_responses[0].values.size() == 1);
  CHECK(text_of(ans.kind_responses[0].values[0]) == "1");
}

TEST_CASE("a synthesized value is kept when it says nothing exists, discarded when it claims a value") {
  Bench b;
  auto r = b.alice.user_resource();
  wire::StoredData nothing{0, 0, absent(), wire::Signature{}};
  wire::StoredData forged{0, 0, present("forged"), wire::Signature{}};
  REQUIRE(wire::is_synthesized(nothing.signature));
  auto ans = answer_of(single_kind, {nothing, forged});
  auto cache = fresh_cache(b);
  CHECK(drop_unverified_values(ans, r, {}, cache, b.wall) == 1);
  REQUIRE(ans.kind_responses[0].values.size() == 1);
  CHECK_FALSE(exists(ans.kind_responses[0].values[0]));
}

TEST_CASE("the raw bytes of a Kind this node does not know are discarded: they cannot be checked") {
  Bench b;
  auto r = b.alice.user_resource();
  const wire::Buffer raw{0x01, 0x00, 0x00, 0x00, 0x01, 'x'};
  auto ans = answer_of(unknown_kind, {wire::StoredData{1000, 60, wire::RawValue{raw}, {}}});
  auto cache = fresh_cache(b);
  CHECK(drop_unverified_values(ans, r, b.certificates({&b.alice}), cache, b.wall) == 1);
  CHECK(ans.kind_responses[0].values.empty());
}

TEST_CASE("a value whose storer's certificate has expired is discarded") {
  Bench b;
  auto ans = alices_hello(b);
  auto cache = fresh_cache(b);
  const auto later = b.alice.cert.not_after() + std::chrono::hours(1);
  CHECK(drop_unverified_values(ans, b.alice.user_resource(), b.certificates({&b.alice}), cache, later) == 1);
}
