#include "storage/data_store.hpp"

#include <openssl/evp.h>

#include "storage/access_control.hpp"
#include "storage_fixtures.hpp"
#include "wire/ring.hpp"

using namespace reload;
using namespace reload::storage;
using namespace reload::storage::test;
using wire::array_last_index;

namespace {

std::vector<wire::StoredData> values_of(const wire::FetchAns& ans, std::size_t i = 0) {
  REQUIRE(ans.kind_responses.size() > i);
  return ans.kind_responses[i].values;
}

std::uint32_t index_of(const wire::StoredData& d) { return std::get<wire::ArrayEntry>(d.value).index; }
std::string key_of(const wire::StoredData& d) {
  return std::string(wire::as_string_view(std::get<wire::DictionaryEntry>(d.value).key));
}

// The store must be exactly as it was: same counters, same values, same sizes.
struct Snapshot {
  StoreStats stats;
  std::vector<StoredSet> sets;
  explicit Snapshot(const Bench& b) : stats(b.store.stats()), sets(b.store.stored_sets(b.now)) {}
  bool operator==(const Snapshot& o) const {
    if (stats.values != o.stats.values || stats.encoded_bytes != o.stats.encoded_bytes ||
        stats.sets != o.stats.sets || sets.size() != o.sets.size())
      return false;
    for (std::size_t i = 0; i < sets.size(); ++i)
      if (!(sets[i].resource == o.sets[i].resource) || sets[i].kind != o.sets[i].kind ||
          sets[i].generation != o.sets[i].generation || sets[i].values != o.sets[i].values ||
          sets[i].replica_number != o.sets[i].replica_number)
        return false;
    return true;
  }
};

}  // namespace

TEST_CASE("a stored value comes back as it was stored, its signature intact") {
  Bench b;
  auto r = b.alice.user_resource();
  auto ans = store_ans(b.put(b.alice, r, single_kind, {b.sign(b.alice, r, single_kind, present("hello"), 1000)}));
  REQUIRE(ans.kind_responses.size() == 1);
  CHECK(ans.kind_responses[0].kind == single_kind);
  CHECK(ans.kind_responses[0].generation_counter == 1);
  CHECK(ans.kind_responses[0].replicas == b.replicas);  // the caller's list, passed through

  auto fetched = b.fetch(r, {single(single_kind)});
  REQUIRE(fetched.kind_responses.size() == 1);
  CHECK(fetched.kind_responses[0].generation == 1);
  auto values = values_of(fetched);
  REQUIRE(values.size() == 1);
  CHECK(text_of(values[0]) == "hello");
  CHECK(exists(values[0]));
  CHECK(values[0].storage_time == 1000);
  CHECK(values[0].lifetime == 3600);
  auto certs = b.certificates({&b.alice});
  auto signer = crypto::verify_stored_data(values[0], r, single_kind, certs, b.cache, b.wall);
  REQUIRE(signer.has_value());
  CHECK(signer->certificate == b.alice.cert);
  CHECK(b.store.replica_number(r, single_kind) == std::uint8_t{0});
  CHECK(b.store.stats().values == 1);
}

TEST_CASE("each policy accepts its owner and refuses everyone else with Error_Forbidden") {
  Bench b;
  SUBCASE("USER-MATCH") {
    auto r = b.alice.user_resource();
    CHECK(b.put(b.alice, r, single_kind, {b.sign(b.alice, r, single_kind, present("a"), 1)}).has_value());
    CHECK(code_of(b.put(b.bob, r, single_kind, {b.sign(b.bob, r, single_kind, present("b"), 2)})) == errc::forbidden);
    auto n = b.alice.node_resource();
    CHECK(code_of(b.put(b.alice, n, single_kind, {b.sign(b.alice, n, single_kind, present("a"), 1)})) == errc::forbidden);
  }
  SUBCASE("NODE-MATCH, with either identity type") {
    auto n = b.alice.node_resource();
    CHECK(b.put(b.alice, n, node_kind, {b.sign(b.alice, n, node_kind, present("a"), 1)}).has_value());
    auto bound = b.sign(b.alice, n, node_kind, present("a2"), 2, 3600, wire::SignerIdentityType::cert_hash_node_id);
    CHECK(b.put(b.alice, n, node_kind, {bound}).has_value());
    CHECK(code_of(b.put(b.bob, n, node_kind, {b.sign(b.bob, n, node_kind, present("b"), 3)})) == errc::forbidden);
    auto u = b.alice.user_resource();
    CHECK(code_of(b.put(b.alice, u, node_kind, {b.sign(b.alice, u, node_kind, present("a"), 1)})) == errc::forbidden);
  }
  SUBCASE("NODE-MULTIPLE") {
    auto m = node_multiple_resource_id(b.alice.node_id, 3);
    CHECK(b.put(b.alice, m, multiple_kind, {b.sign(b.alice, m, multiple_kind, present("turn"), 1)}).has_value());
    auto too_far = node_multiple_resource_id(b.alice.node_id, 4);
    CHECK(code_of(b.put(b.alice, too_far, multiple_kind, {b.sign(b.alice, too_far, multiple_kind, present("t"), 1)})) ==
          errc::forbidden);
    CHECK(code_of(b.put(b.bob, m, multiple_kind, {b.sign(b.bob, m, multiple_kind, present("b"), 2)})) == errc::forbidden);
  }
  SUBCASE("USER-NODE-MATCH") {
    auto r = b.alice.user_resource();
    auto mine = wire::DictionaryEntry{b.alice.node_key(), present("here")};
    CHECK(b.put(b.alice, r, user_node_kind, {b.sign(b.alice, r, user_node_kind, mine, 1)}).has_value());
    auto theirs = wire::DictionaryEntry{b.bob.node_key(), present("there")};
    CHECK(code_of(b.put(b.alice, r, user_node_kind, {b.sign(b.alice, r, user_node_kind, theirs, 1)})) ==
          errc::forbidden);
    auto at_bob = b.bob.user_resource();
    CHECK(code_of(b.put(b.alice, at_bob, user_node_kind, {b.sign(b.alice, at_bob, user_node_kind, mine, 1)})) ==
          errc::forbidden);
  }
  SUBCASE("the StoreReq's signer must pass the policy too, for original stores") {
    auto r = b.alice.user_resource();
    auto value = b.sign(b.alice, r, single_kind, present("a"), 1);
    auto refused = b.put(b.bob, r, single_kind, {value});
    CHECK(code_of(refused) == errc::forbidden);
    CHECK(refused.error().reason.find("StoreReq") != std::string::npos);
    CHECK(code_of(b.put(wire::StoreReq{r, 0, {{single_kind, 0, {value}}}}, nullptr)) == errc::forbidden);
    CHECK(b.store.stats().values == 0);
  }
}

TEST_CASE("XMPP-LOCATION: xmppAddr, its hash as given, the storer's Node-ID as key; each refusal alone") {
  Bench b;
  auto r = b.alice.xmpp_resource();
  auto entry = wire::DictionaryEntry{b.alice.node_key(), present("route")};
  CHECK(b.put(b.alice, r, xmpp_kind, {b.sign(b.alice, r, xmpp_kind, entry, 1)}).has_value());
  auto values = values_of(b.fetch(r, {keys(xmpp_kind, {})}));
  REQUIRE(values.size() == 1);
  CHECK(key_of(values[0]) == std::string(wire::as_string_view(b.alice.node_key())));

  SUBCASE("a certificate without xmppAddr") {
    auto plain = make_storer(b.ca, "alice@example.org", std::nullopt, {node(0x15)});
    auto res = wire::resource_id_of("alice@example.org");  // its rfc822Name would match: no substitute
    auto e = wire::DictionaryEntry{plain.node_key(), present("x")};
    auto certs = b.certificates({&plain});
    auto signer = plain.verified();
    StoreContext ctx{b.cache, certs, &signer, {}, b.now, b.wall};
    auto refused = b.store.store({res, 0, {{xmpp_kind, 0, {b.sign(plain, res, xmpp_kind, e, 2)}}}}, ctx);
    CHECK(code_of(refused) == errc::forbidden);
  }
  SUBCASE("a Resource-ID that is not the hash of the xmppAddr") {
    auto u = b.alice.user_resource();
    CHECK(code_of(b.put(b.alice, u, xmpp_kind, {b.sign(b.alice, u, xmpp_kind, entry, 2)})) == errc::forbidden);
    auto prepared = wire::resource_id_of("ALICE@example.org");
    CHECK(code_of(b.put(b.alice, prepared, xmpp_kind, {b.sign(b.alice, prepared, xmpp_kind, entry, 2)})) ==
          errc::forbidden);
  }
  SUBCASE("a dictionary key that is not the storer's Node-ID") {
    auto other = wire::DictionaryEntry{b.bob.node_key(), present("route")};
    CHECK(code_of(b.put(b.alice, r, xmpp_kind, {b.sign(b.alice, r, xmpp_kind, other, 2)})) == errc::forbidden);
  }
  CHECK(b.store.generation(r, xmpp_kind) == 1);  // none of the refusals changed anything
}

TEST_CASE("a value whose signature does not verify is refused") {
  Bench b;
  auto r = b.alice.user_resource();
  SUBCASE("tampered value") {
    auto d = b.sign(b.alice, r, single_kind, present("hello"), 10);
    d.value = present("hellp");
    CHECK(code_of(b.put(b.alice, r, single_kind, {d})) == errc::forbidden);
  }
  SUBCASE("tampered storage_time") {
    auto d = b.sign(b.alice, r, single_kind, present("hello"), 10);
    d.storage_time = 11;
    CHECK(code_of(b.put(b.alice, r, single_kind, {d})) == errc::forbidden);
  }
  SUBCASE("signed for another Kind or Resource-ID") {
    auto d = b.sign(b.alice, r, node_kind, present("hello"), 10);  // node_kind: a single value too
    CHECK(code_of(b.put(b.alice, r, single_kind, {d})) == errc::forbidden);
    auto e = b.sign(b.alice, b.bob.user_resource(), single_kind, present("hello"), 10);
    CHECK(code_of(b.put(b.alice, r, single_kind, {e})) == errc::forbidden);
  }
  SUBCASE("a synthesized (unsigned) value") {
    wire::StoredData d{10, 3600, present("hello"), wire::Signature{}};
    CHECK(code_of(b.put(b.alice, r, single_kind, {d})) == errc::forbidden);
  }
  SUBCASE("a certificate from another CA") {
    auto stranger = make_storer(crypto::test::make_ca(), b.alice.user, std::nullopt, {node(0x11)});
    auto d = b.sign(stranger, r, single_kind, present("hello"), 10);
    auto certs = b.certificates({&stranger});
    auto signer = b.alice.verified();
    StoreContext ctx{b.cache, certs, &signer, {}, b.now, b.wall};
    CHECK(code_of(b.store.store({r, 0, {{single_kind, 0, {d}}}}, ctx)) == errc::forbidden);
  }
  CHECK(b.store.stats().values == 0);
}

TEST_CASE("unknown Kinds are all listed in Error_Unknown_Kind; a Kind twice is invalid") {
  Bench b;
  auto r = b.alice.user_resource();
  auto good = b.sign(b.alice, r, single_kind, present("a"), 1);
  auto refused = b.put(r, {{single_kind, 0, {good}}, {unknown_kind, 0, {}}, {4242, 0, {}}}, b.alice);
  REQUIRE(code_of(refused) == errc::unknown_kind);
  CHECK(wire::decode_unknown_kinds_info(refused.error().error_info).value() ==
        std::vector<wire::KindId>{unknown_kind, 4242});
  CHECK(b.store.stats().values == 0);
  CHECK(code_of(b.put(r, {{single_kind, 0, {good}}, {single_kind, 0, {good}}}, b.alice)) == errc::invalid_message);
}

TEST_CASE("generation counters: 0 skips the check, a wrong one is refused with the current ones") {
  Bench b;
  auto r = b.alice.user_resource();
  auto v = [&](std::uint64_t t) { return b.sign(b.alice, r, single_kind, present("v" + std::to_string(t)), t); };
  CHECK(store_ans(b.put(r, {{single_kind, 0, {v(1)}}}, b.alice)).kind_responses[0].generation_counter == 1);
  CHECK(store_ans(b.put(r, {{single_kind, 0, {v(2)}}}, b.alice)).kind_responses[0].generation_counter == 2);
  CHECK(store_ans(b.put(r, {{single_kind, 2, {v(3)}}}, b.alice)).kind_responses[0].generation_counter == 3);

  auto d = b.sign(b.alice, r, dictionary_kind, wire::DictionaryEntry{wire::as_bytes("k"), present("x")}, 5);
  auto stale = b.put(r, {{dictionary_kind, 0, {d}}, {single_kind, 2, {v(4)}}}, b.alice);
  REQUIRE(code_of(stale) == errc::generation_counter_too_low);
  auto current = wire::decode_generation_counter_info(stale.error().error_info, codec).value();
  REQUIRE(current.kind_responses.size() == 2);
  CHECK(current.kind_responses[0].kind == dictionary_kind);
  CHECK(current.kind_responses[0].generation_counter == 0);
  CHECK(current.kind_responses[1].kind == single_kind);
  CHECK(current.kind_responses[1].generation_counter == 3);
  CHECK(current.kind_responses[1].replicas.empty());
  CHECK(b.store.generation(r, dictionary_kind) == 0);  // the dictionary value was not stored either
  // A counter ahead of the stored one is not the stored one either.
  CHECK(code_of(b.put(r, {{single_kind, 9, {v(4)}}}, b.alice)) == errc::generation_counter_too_low);

  // Storing the very same bytes again changes nothing: the counter stays.
  auto same = v(5);
  CHECK(store_ans(b.put(r, {{single_kind, 0, {same}}}, b.alice)).kind_responses[0].generation_counter == 4);
  CHECK(store_ans(b.put(r, {{single_kind, 0, {same}}}, b.alice)).kind_responses[0].generation_counter == 4);
}

TEST_CASE("an older storage_time is Error_Data_Too_Old; an equal one replaces") {
  Bench b;
  auto r = b.alice.user_resource();
  REQUIRE(b.put(b.alice, r, single_kind, {b.sign(b.alice, r, single_kind, present("new"), 2000)}).has_value());
  auto old = b.put(b.alice, r, single_kind, {b.sign(b.alice, r, single_kind, present("old"), 1999)});
  CHECK(code_of(old) == errc::data_too_old);
  CHECK(text_of(values_of(b.fetch(r, {single(single_kind)}))[0]) == "new");
  CHECK(b.put(b.alice, r, single_kind, {b.sign(b.alice, r, single_kind, present("same"), 2000)}).has_value());
  CHECK(text_of(values_of(b.fetch(r, {single(single_kind)}))[0]) == "same");
  // Within one request, values are processed in turn.
  auto a = b.sign(b.alice, r, single_kind, present("a"), 3001);
  auto z = b.sign(b.alice, r, single_kind, present("z"), 3000);
  CHECK(code_of(b.put(b.alice, r, single_kind, {a, z})) == errc::data_too_old);
  CHECK(b.put(b.alice, r, single_kind, {z, a}).has_value());
  CHECK(text_of(values_of(b.fetch(r, {single(single_kind)}))[0]) == "a");
}

TEST_CASE("lifetimes: values expire, behave as absent, and the lifetime sent is what is left") {
  Bench b;
  auto r = b.alice.user_resource();
  auto start = b.now;
  REQUIRE(b.put(b.alice, r, single_kind, {b.sign(b.alice, r, single_kind, present("brief"), 1, 60)}).has_value());
  REQUIRE(b.put(b.alice, r, array_kind, {b.sign(b.alice, r, array_kind, wire::ArrayEntry{0, present("long")}, 1, 600)})
              .has_value());
  CHECK(b.store.next_expiry() == start + 60s);

  b.now = start + 20s;
  auto v = values_of(b.fetch(r, {single(single_kind)}));
  REQUIRE(v.size() == 1);
  CHECK(exists(v[0]));
  CHECK(v[0].lifetime == 40);
  // The lowered lifetime is outside the signature: the value still verifies.
  auto certs = b.certificates({&b.alice});
  CHECK(crypto::verify_stored_data(v[0], r, single_kind, certs, b.cache, b.wall).has_value());
  b.now = start + 59500ms;
  CHECK(values_of(b.fetch(r, {single(single_kind)}))[0].lifetime == 1);  // rounded up

  b.now = start + 60s;  // expired, not yet purged: already absent
  v = values_of(b.fetch(r, {single(single_kind)}));
  REQUIRE(v.size() == 1);
  CHECK_FALSE(exists(v[0]));
  CHECK(v[0].storage_time == 0);
  CHECK(b.store.stats().values == 2);
  CHECK(b.store.expire(b.now) == 1);
  CHECK(b.store.stats().values == 1);
  CHECK(b.store.next_expiry() == start + 600s);
  CHECK(b.store.expire(b.now) == 0);
  CHECK(b.store.expire(start + 600s) == 1);
  CHECK_FALSE(b.store.next_expiry().has_value());
  CHECK(b.store.stats().resources == 0);
}

TEST_CASE("max-size and max-count are Error_Data_Too_Large") {
  Bench b;
  auto r = b.alice.user_resource();
  std::string big(101, 'x'), fits(100, 'x');
  CHECK(code_of(b.put(b.alice, r, single_kind, {b.sign(b.alice, r, single_kind, present(big), 1)})) ==
        errc::data_too_large);
  CHECK(b.put(b.alice, r, single_kind, {b.sign(b.alice, r, single_kind, present(fits), 1)}).has_value());

  std::vector<wire::StoredData> six;
  for (std::uint32_t i = 0; i < 6; ++i) six.push_back(b.sign(b.alice, r, array_kind, wire::ArrayEntry{i, present("e")}, 1));
  CHECK(code_of(b.put(b.alice, r, array_kind, six)) == errc::data_too_large);
  six.pop_back();
  CHECK(b.put(b.alice, r, array_kind, six).has_value());
  // Full: a new index is refused, replacing one is not.
  CHECK(code_of(b.put(b.alice, r, array_kind, {b.sign(b.alice, r, array_kind, wire::ArrayEntry{9, present("f")}, 2)})) ==
        errc::data_too_large);
  CHECK(b.put(b.alice, r, array_kind, {b.sign(b.alice, r, array_kind, wire::ArrayEntry{4, present("g")}, 2)}).has_value());

  std::vector<std::string> names{"a", "b", "c", "d", "e"};
  std::vector<wire::StoredData> five;
  for (const auto& k : names)
    five.push_back(b.sign(b.alice, r, dictionary_kind, wire::DictionaryEntry{wire::as_bytes(k), present("v")}, 1));
  CHECK(code_of(b.put(b.alice, r, dictionary_kind, five)) == errc::data_too_large);
  // The same key twice in one request counts once.
  five.back() = b.sign(b.alice, r, dictionary_kind, wire::DictionaryEntry{wire::as_bytes("a"), present("w")}, 2);
  CHECK(b.put(b.alice, r, dictionary_kind, five).has_value());
  CHECK(values_of(b.fetch(r, {keys(dictionary_kind, {})})).size() == 4);
}

TEST_CASE("single value: a store replaces it") {
  Bench b;
  auto r = b.alice.user_resource();
  CHECK(values_of(b.fetch(r, {single(single_kind)})).size() == 1);  // synthesized
  REQUIRE(b.put(b.alice, r, single_kind, {b.sign(b.alice, r, single_kind, present("one"), 1)}).has_value());
  REQUIRE(b.put(b.alice, r, single_kind, {b.sign(b.alice, r, single_kind, present("two"), 2)}).has_value());
  auto v = values_of(b.fetch(r, {single(single_kind)}));
  REQUIRE(v.size() == 1);
  CHECK(text_of(v[0]) == "two");
  CHECK(b.store.stats().values == 1);
}

TEST_CASE("array: sparse stores, appends at 0xffffffff, ranges with 0xffffffff as the last") {
  Bench b;
  auto r = b.alice.user_resource();
  auto entry = [&](std::uint32_t i, const char* s, std::uint64_t t = 1) {
    return b.sign(b.alice, r, array_kind, wire::ArrayEntry{i, present(s)}, t);
  };
  REQUIRE(b.put(b.alice, r, array_kind, {entry(2, "X")}).has_value());
  auto v = values_of(b.fetch(r, {ranges(array_kind, {{0, array_last_index}})}));
  REQUIRE(v.size() == 3);  // [NA, NA, "X"] (section 7.2.2)
  CHECK(index_of(v[0]) == 0);
  CHECK_FALSE(exists(v[0]));
  CHECK(v[0].signature.identity.identity_type == wire::SignerIdentityType::none);
  CHECK(v[0].signature.algorithm == wire::SignatureAndHashAlgorithm{});
  CHECK(v[0].signature.signature_value.empty());
  CHECK(index_of(v[1]) == 1);
  CHECK_FALSE(exists(v[1]));
  CHECK(index_of(v[2]) == 2);
  CHECK(text_of(v[2]) == "X");

  REQUIRE(b.put(b.alice, r, array_kind, {entry(array_last_index, "Y", 2), entry(array_last_index, "Z", 2)}).has_value());
  v = values_of(b.fetch(r, {ranges(array_kind, {{3, array_last_index}})}));
  REQUIRE(v.size() == 2);
  CHECK(index_of(v[0]) == 3);
  CHECK(text_of(v[0]) == "Y");
  CHECK(index_of(v[1]) == 4);
  CHECK(text_of(v[1]) == "Z");
  // An appended value carries its real index, and its signature (over index 0) verifies.
  auto certs = b.certificates({&b.alice});
  CHECK(crypto::verify_stored_data(v[1], r, array_kind, certs, b.cache, b.wall).has_value());

  v = values_of(b.fetch(r, {ranges(array_kind, {{array_last_index, array_last_index}})}));
  REQUIRE(v.size() == 1);
  CHECK(text_of(v[0]) == "Z");
  v = values_of(b.fetch(r, {ranges(array_kind, {{0, 0}, {2, 3}})}));
  REQUIRE(v.size() == 3);
  CHECK(index_of(v[0]) == 0);
  CHECK(index_of(v[2]) == 3);
  v = values_of(b.fetch(r, {ranges(array_kind, {{4, 100}})}));  // nothing is made up past the end
  REQUIRE(v.size() == 1);
  CHECK(index_of(v[0]) == 4);
  CHECK(code_of(b.store.fetch({r, {ranges(array_kind, {{3, 1}})}}, b.now, 1 << 20)) == errc::invalid_message);
  CHECK(code_of(b.store.fetch({r, {ranges(array_kind, {{0, 3}, {2, 4}})}}, b.now, 1 << 20)) == errc::invalid_message);

  // Replacing index 2 keeps the others.
  REQUIRE(b.put(b.alice, r, array_kind, {entry(2, "W", 3)}).has_value());
  v = values_of(b.fetch(r, {ranges(array_kind, {{0, array_last_index}})}));
  REQUIRE(v.size() == 5);
  CHECK(text_of(v[2]) == "W");
}

TEST_CASE("array: appends to an array whose last index is taken are refused") {
  Bench b;
  auto r = b.alice.user_resource();
  auto last = b.sign(b.alice, r, array_kind, wire::ArrayEntry{array_last_index - 1, present("end")}, 1);
  REQUIRE(b.put(b.alice, r, array_kind, {last}).has_value());
  auto more = b.sign(b.alice, r, array_kind, wire::ArrayEntry{array_last_index, present("more")}, 1);
  CHECK(code_of(b.put(b.alice, r, array_kind, {more})) == errc::data_too_large);
  // The gaps of such an array cost what the caller allows, not four billion values.
  CHECK(code_of(b.store.fetch({r, {ranges(array_kind, {{0, array_last_index}})}}, b.now, 4096)) ==
        errc::response_too_large);
  auto tail = values_of(b.fetch(r, {ranges(array_kind, {{array_last_index, array_last_index}})}));
  REQUIRE(tail.size() == 1);
  CHECK(text_of(tail[0]) == "end");
}

TEST_CASE("dictionary: by key, missing keys synthesized, no keys is every entry") {
  Bench b;
  auto r = b.alice.user_resource();
  auto entry = [&](const char* k, const char* s) {
    return b.sign(b.alice, r, dictionary_kind, wire::DictionaryEntry{wire::as_bytes(k), present(s)}, 1);
  };
  REQUIRE(b.put(b.alice, r, dictionary_kind, {entry("pear", "2"), entry("apple", "1"), entry("", "0")}).has_value());
  auto all = values_of(b.fetch(r, {keys(dictionary_kind, {})}));
  REQUIRE(all.size() == 3);
  CHECK(key_of(all[0]).empty());
  CHECK(key_of(all[1]) == "apple");
  CHECK(key_of(all[2]) == "pear");
  auto some = values_of(b.fetch(r, {keys(dictionary_kind, {wire::as_bytes("pear"), wire::as_bytes("plum")})}));
  REQUIRE(some.size() == 2);
  CHECK(text_of(some[0]) == "2");
  CHECK(key_of(some[1]) == "plum");
  CHECK_FALSE(exists(some[1]));
  CHECK(some[1].storage_time == 0);
  CHECK(some[1].signature.identity.identity_type == wire::SignerIdentityType::none);
  // Nothing stored at all: a wildcard finds nothing, a key is synthesized.
  auto other = b.bob.user_resource();
  CHECK(values_of(b.fetch(other, {keys(dictionary_kind, {})})).empty());
  CHECK(values_of(b.fetch(other, {keys(dictionary_kind, {wire::as_bytes("x")})})).size() == 1);
}

TEST_CASE("Fetch names the certificate of each storer of the values it answers, once (section 6.3.4)") {
  Bench b;
  auto r = b.alice.user_resource();
  auto entry = [&](const char* k, const char* s) {
    return b.sign(b.alice, r, dictionary_kind, wire::DictionaryEntry{wire::as_bytes(k), present(s)}, 1);
  };
  REQUIRE(b.put(b.alice, r, dictionary_kind, {entry("pear", "2"), entry("apple", "1")}).has_value());
  std::vector<crypto::Certificate> storers;
  REQUIRE(b.store.fetch(wire::FetchReq{r, {keys(dictionary_kind, {})}}, b.now, 1 << 20, &storers).has_value());
  REQUIRE(storers.size() == 1);
  CHECK(storers[0] == b.alice.cert);
  // A synthesized value references no certificate.
  std::vector<crypto::Certificate> none;
  REQUIRE(b.store.fetch(wire::FetchReq{b.bob.user_resource(), {single(single_kind)}}, b.now, 1 << 20, &none)
              .has_value());
  CHECK(none.empty());
}

TEST_CASE("Fetch: several Kinds, the generation shortcut, unknown Kinds, a specifier of the wrong model") {
  Bench b;
  auto r = b.alice.user_resource();
  REQUIRE(b.put(b.alice, r, single_kind, {b.sign(b.alice, r, single_kind, present("s"), 1)}).has_value());
  REQUIRE(b.put(b.alice, r, array_kind, {b.sign(b.alice, r, array_kind, wire::ArrayEntry{0, present("a")}, 1)}).has_value());
  auto ans = b.fetch(r, {single(single_kind, 1), ranges(array_kind, {{0, 0}}, 7)});
  REQUIRE(ans.kind_responses.size() == 2);
  CHECK(ans.kind_responses[0].kind == single_kind);
  CHECK(ans.kind_responses[0].generation == 1);
  CHECK(ans.kind_responses[0].values.empty());  // the requester has generation 1 already
  CHECK(ans.kind_responses[1].kind == array_kind);
  CHECK(ans.kind_responses[1].values.size() == 1);

  auto refused = b.store.fetch({r, {single(single_kind), single(unknown_kind)}}, b.now, 1 << 20);
  REQUIRE(code_of(refused) == errc::unknown_kind);
  CHECK(wire::decode_unknown_kinds_info(refused.error().error_info).value() == std::vector<wire::KindId>{unknown_kind});
  CHECK(code_of(b.store.fetch({r, {keys(single_kind, {})}}, b.now, 1 << 20)) == errc::invalid_message);
  wire::StoredDataSpecifier raw{single_kind, 0, wire::RawValue{}};
  CHECK(code_of(b.store.fetch({r, {raw}}, b.now, 1 << 20)) == errc::invalid_message);
  CHECK(code_of(b.store.fetch({r, {single(single_kind)}}, b.now, 10)) == errc::response_too_large);
}

TEST_CASE("deletion: a signed non-existent value is kept, replicated and stops older stores") {
  Bench b;
  auto r = b.alice.user_resource();
  auto original = b.sign(b.alice, r, dictionary_kind, wire::DictionaryEntry{wire::as_bytes("k"), present("v")}, 100);
  REQUIRE(b.put(b.alice, r, dictionary_kind, {original}).has_value());
  auto tombstone = b.sign(b.alice, r, dictionary_kind, wire::DictionaryEntry{wire::as_bytes("k"), absent()}, 200, 7200);
  REQUIRE(b.put(b.alice, r, dictionary_kind, {tombstone}).has_value());
  CHECK(b.store.generation(r, dictionary_kind) == 2);

  auto v = values_of(b.fetch(r, {keys(dictionary_kind, {})}));
  REQUIRE(v.size() == 1);  // the tombstone is a stored value, returned with its signature
  CHECK_FALSE(exists(v[0]));
  CHECK(v[0].storage_time == 200);
  CHECK(v[0].signature.identity.identity_type == wire::SignerIdentityType::cert_hash);
  auto certs = b.certificates({&b.alice});
  CHECK(crypto::verify_stored_data(v[0], r, dictionary_kind, certs, b.cache, b.wall).has_value());

  // Replaying the original store does not bring the value back.
  CHECK(code_of(b.put(b.alice, r, dictionary_kind, {original})) == errc::data_too_old);
  auto meta = b.stat(r, {keys(dictionary_kind, {})}).kind_responses[0].values;
  REQUIRE(meta.size() == 1);
  CHECK_FALSE(std::get<wire::DictionaryEntryMeta>(meta[0].metadata).value.exists);

  // Once its lifetime ends the tombstone goes too.
  b.now += 7200s;
  CHECK(b.store.expire(b.now) == 1);
  CHECK(values_of(b.fetch(r, {keys(dictionary_kind, {})})).empty());
}

TEST_CASE("a request is atomic: one bad value anywhere changes nothing") {
  Bench b;
  auto r = b.alice.user_resource();
  REQUIRE(b.put(b.alice, r, single_kind, {b.sign(b.alice, r, single_kind, present("kept"), 10)}).has_value());
  REQUIRE(b.put(b.alice, r, array_kind, {b.sign(b.alice, r, array_kind, wire::ArrayEntry{0, present("kept")}, 10)})
              .has_value());
  Snapshot before(b);

  auto good_single = b.sign(b.alice, r, single_kind, present("new"), 20);
  auto good_entry = b.sign(b.alice, r, array_kind, wire::ArrayEntry{1, present("new")}, 20);
  std::vector<std::pair<const char*, wire::StoredData>> bad{
      {"badly signed", [&] {
         auto d = b.sign(b.alice, r, dictionary_kind, wire::DictionaryEntry{wire::as_bytes("k"), present("x")}, 20);
         d.storage_time = 21;
         return d;
       }()},
      {"too large", b.sign(b.alice, r, dictionary_kind,
                           wire::DictionaryEntry{wire::as_bytes("k"), present(std::string(101, 'x'))}, 20)},
      {"signed by someone else", b.sign(b.bob, r, dictionary_kind, wire::DictionaryEntry{wire::as_bytes("k"), present("x")}, 20)},
  };
  for (const auto& bad_value : bad) {
    const auto& [why, value] = bad_value;
    const char* reason = why;  // CAPTURE captures by reference, which clang before 16 refuses for a binding
    CAPTURE(reason);
    auto refused = b.put(r, {{single_kind, 0, {good_single}}, {array_kind, 0, {good_entry}}, {dictionary_kind, 0, {value}}},
                         b.alice);
    CHECK_FALSE(refused.has_value());
    CHECK(Snapshot(b) == before);
  }
  // Too old in the last Kind, after good values in the others.
  auto old = b.sign(b.alice, r, array_kind, wire::ArrayEntry{0, present("old")}, 5);
  CHECK(code_of(b.put(r, {{single_kind, 0, {good_single}}, {array_kind, 0, {good_entry, old}}}, b.alice)) ==
        errc::data_too_old);
  CHECK(Snapshot(b) == before);
  CHECK(text_of(values_of(b.fetch(r, {single(single_kind)}))[0]) == "kept");
  // And the whole request, all good, goes in.
  CHECK(b.put(r, {{single_kind, 0, {good_single}}, {array_kind, 0, {good_entry}}}, b.alice).has_value());
  CHECK(text_of(values_of(b.fetch(r, {single(single_kind)}))[0]) == "new");
}

TEST_CASE("Stat: lengths and SHA-256 digests of the length-prefixed values") {
  Bench b;
  auto r = b.alice.user_resource();
  REQUIRE(b.put(b.alice, r, array_kind, {b.sign(b.alice, r, array_kind, wire::ArrayEntry{1, present("abc")}, 77)})
              .has_value());
  auto ans = b.stat(r, {ranges(array_kind, {{0, array_last_index}})});
  REQUIRE(ans.kind_responses.size() == 1);
  CHECK(ans.kind_responses[0].generation == 1);
  auto& m = ans.kind_responses[0].values;
  REQUIRE(m.size() == 2);
  auto gap = std::get<wire::ArrayEntryMeta>(m[0].metadata);
  CHECK(gap.index == 0);
  CHECK_FALSE(gap.value.exists);
  CHECK(gap.value.hash_algorithm == wire::HashAlgorithm::none);
  auto entry = std::get<wire::ArrayEntryMeta>(m[1].metadata);
  CHECK(entry.index == 1);
  CHECK(entry.value.exists);
  CHECK(entry.value.value_length == 3);
  CHECK(entry.value.hash_algorithm == wire::HashAlgorithm::sha256);
  CHECK(m[1].storage_time == 77);
  CHECK(m[1].lifetime == 3600);
  std::uint8_t input[] = {0, 0, 0, 3, 'a', 'b', 'c'};
  wire::Buffer expected(32);
  unsigned n = 0;
  REQUIRE(EVP_Digest(input, sizeof input, expected.data(), &n, EVP_sha256(), nullptr) == 1);
  CHECK(wire::equal_bytes(entry.value.hash_value, expected));
  auto gen = b.stat(r, {ranges(array_kind, {{0, 1}}, 1)});
  CHECK(gen.kind_responses[0].values.empty());
}

TEST_CASE("Find: the first Resource-ID at or after the request's with that Kind, inside the range") {
  StorageConfig config = test_config();
  Bench b(config);
  // Users whose Resource-IDs are found by their hash; sort them around the ring.
  std::vector<Storer> users;
  for (int i = 0; i < 4; ++i) users.push_back(make_storer(b.ca, "user" + std::to_string(i) + "@o", std::nullopt, {node(0x60 + i)}));
  std::sort(users.begin(), users.end(),
            [](const Storer& a, const Storer& c) { return a.user_resource() < c.user_resource(); });
  auto certs_all = std::vector<wire::GenericCertificate>{};
  for (auto& u : users) certs_all.push_back({wire::CertificateType::x509, u.cert.der()});
  for (std::size_t i = 0; i < users.size(); ++i) {
    auto& u = users[i];
    auto r = u.user_resource();
    wire::KindId k = i % 2 == 0 ? single_kind : array_kind;
    wire::StoredDataValue value = k == single_kind ? wire::StoredDataValue{present("x")}
                                                   : wire::StoredDataValue{wire::ArrayEntry{0, present("x")}};
    auto signer = u.verified();
    StoreContext ctx{b.cache, certs_all, &signer, {}, b.now, b.wall};
    REQUIRE(b.store.store({r, 0, {{k, 0, {b.sign(u, r, k, value, 1)}}}}, ctx).has_value());
  }
  auto find = [&](const wire::ResourceId& from, std::vector<wire::KindId> kinds, const RingRange& range) {
    auto body = b.store.find({from, kinds}, range, b.now);
    REQUIRE_MESSAGE(body.has_value(), to_string(body.error()));
    return wire::decode_exact<wire::FindAns>(*body, codec).value();
  };
  auto r0 = users[0].user_resource(), r1 = users[1].user_resource(), r2 = users[2].user_resource();
  auto ans = find(r0, {single_kind, array_kind, node_kind, unknown_kind}, RingRange::whole());
  REQUIRE(ans.results.size() == 4);
  CHECK(ans.results[0].closest == r0);  // at the Resource-ID itself
  CHECK(ans.results[1].closest == r1);  // after it
  CHECK(ans.results[2].closest.empty());  // nothing of that Kind
  CHECK(ans.results[3].closest.empty());  // an unknown Kind: 0
  // From just after r2 the only single-value resource left wraps around to r0.
  auto after_r2 = wire::ResourceId(wire::ring::successor_point(wire::ring::point_of(r2, 16)).bytes());
  CHECK(find(after_r2, {single_kind}, RingRange::whole()).results[0].closest == r0);
  // A peer responsible for (r0, r2] answers from inside its range only.
  RingRange mine{wire::ring::point_of(r0, 16), wire::ring::point_of(r2, 16)};
  CHECK(find(r1, {single_kind}, mine).results[0].closest == r2);
  CHECK(find(r2, {array_kind}, mine).results[0].closest.empty());  // r3 lies outside
  CHECK(code_of(b.store.find({r0, {single_kind}}, mine, b.now)) == errc::not_found);
  CHECK(code_of(b.store.find({r1, {single_kind, single_kind}}, mine, b.now)) == errc::invalid_message);
  // An expired value is not found.
  b.now += 3600s;
  CHECK(find(r0, {single_kind}, RingRange::whole()).results[0].closest.empty());
}

TEST_CASE("replica stores: counter copied, replica number kept, signatures still checked") {
  Bench b;
  auto r = b.alice.user_resource();
  auto v = b.sign(b.alice, r, single_kind, present("copy"), 5);
  // No request signer needed: whether the sender is a plausible replica source is the
  // topology's call.
  auto ans = store_ans(b.put(wire::StoreReq{r, 1, {{single_kind, 7, {v}}}}, nullptr));
  CHECK(ans.kind_responses[0].generation_counter == 7);
  CHECK(b.store.generation(r, single_kind) == 7);
  CHECK(b.store.replica_number(r, single_kind) == std::uint8_t{1});
  // Replicas never check the counter, but they must carry one.
  CHECK(b.put(wire::StoreReq{r, 2, {{single_kind, 3, {v}}}}, nullptr).has_value());
  CHECK(b.store.generation(r, single_kind) == 3);
  CHECK(b.store.replica_number(r, single_kind) == std::uint8_t{2});
  CHECK(code_of(b.put(wire::StoreReq{r, 1, {{single_kind, 0, {v}}}}, nullptr)) == errc::invalid_message);
  auto forged = v;
  forged.value = present("forged");
  CHECK(code_of(b.put(wire::StoreReq{r, 1, {{single_kind, 9, {forged}}}}, nullptr)) == errc::forbidden);
  auto bobs = b.sign(b.bob, r, single_kind, present("bob"), 6);
  CHECK(code_of(b.put(wire::StoreReq{r, 1, {{single_kind, 9, {bobs}}}}, nullptr)) == errc::forbidden);
  // An original store makes the data primary again.
  CHECK(b.put(b.alice, r, single_kind, {b.sign(b.alice, r, single_kind, present("mine"), 8)}).has_value());
  CHECK(b.store.replica_number(r, single_kind) == std::uint8_t{0});
  CHECK(b.store.generation(r, single_kind) == 4);
}

TEST_CASE("hand-off: another peer's store accepts the copied values, byte for byte") {
  Bench a;
  auto r = a.alice.user_resource();
  REQUIRE(a.put(r, {{single_kind, 0, {a.sign(a.alice, r, single_kind, present("s"), 1, 100)}},
                    {array_kind, 0, {a.sign(a.alice, r, array_kind, wire::ArrayEntry{array_last_index, present("a0")}, 1),
                                     a.sign(a.alice, r, array_kind, wire::ArrayEntry{array_last_index, present("a1")}, 1)}},
                    {dictionary_kind, 0, {a.sign(a.alice, r, dictionary_kind,
                                                 wire::DictionaryEntry{wire::as_bytes("gone"), absent()}, 1)}}},
                a.alice)
              .has_value());
  REQUIRE(a.put(a.alice, r, single_kind, {a.sign(a.alice, r, single_kind, present("s2"), 2, 100)}).has_value());
  a.now += 30s;

  CHECK(a.store.hand_off(a.bob.user_resource(), 1, a.now).empty());
  auto parts = a.store.hand_off(r, 1, a.now);
  REQUIRE(parts.size() == 1);
  auto* h = &parts[0];
  REQUIRE(h->certificates.size() == 1);
  CHECK(h->certificates[0] == a.alice.cert);

  // The receiving peer: its own store and certificate cache, the same CA.
  DataStore other{test_config()};
  crypto::CertificateCache cache{crypto::TrustStore(crypto::test::policy_for(a.ca))};
  auto req = wire::decode_exact<wire::StoreReq>(h->store_req, codec).value();
  CHECK(req.replica_number == 1);
  REQUIRE(req.kind_data.size() == 3);
  std::vector<wire::GenericCertificate> carried;
  for (const auto& c : h->certificates) carried.push_back({wire::CertificateType::x509, c.der()});
  TimePoint later = a.now + 5s;
  auto stored = other.store(req, StoreContext{cache, carried, nullptr, {}, later, a.wall});
  REQUIRE_MESSAGE(stored.has_value(), to_string(stored.error()));
  for (wire::KindId k : {single_kind, array_kind, dictionary_kind}) {
    CHECK(other.generation(r, k) == a.store.generation(r, k));
    CHECK(other.replica_number(r, k) == std::uint8_t{1});
  }
  CHECK(other.generation(r, single_kind) == 2);
  auto fetch_from = [&](const DataStore& s, TimePoint t, wire::StoredDataSpecifier spec) {
    auto body = s.fetch({r, {spec}}, t, 1 << 20).value();
    return wire::decode_exact<wire::FetchAns>(a.keep(std::move(body)), codec).value().kind_responses[0].values;
  };
  auto mine = fetch_from(a.store, a.now, ranges(array_kind, {{0, array_last_index}}));
  auto theirs = fetch_from(other, later, ranges(array_kind, {{0, array_last_index}}));
  REQUIRE(theirs.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(index_of(theirs[i]) == i);
    CHECK(wire::encode_to_buffer(theirs[i]).value() == wire::encode_to_buffer(mine[i]).value());
  }
  auto s = fetch_from(other, later, single(single_kind));
  CHECK(text_of(s[0]) == "s2");
  CHECK(s[0].lifetime == 70);  // 100 s, 30 s spent at a, handed over with 70 left
  auto d = fetch_from(other, later, keys(dictionary_kind, {}));
  REQUIRE(d.size() == 1);
  CHECK_FALSE(exists(d[0]));  // the tombstone travels too
  CHECK(other.next_expiry() == later + 70s);
}

TEST_CASE("hand-off: a resource larger than the budget goes in parts that each fit and add up") {
  Bench a;
  auto r = a.alice.user_resource();
  const std::string big(90, 'x');
  std::vector<wire::StoredData> entries;
  for (char k : std::string("abcd"))
    entries.push_back(a.sign(a.alice, r, dictionary_kind,
                             wire::DictionaryEntry{a.keep(wire::Buffer{static_cast<std::uint8_t>(k)}), present(big)}, 1));
  REQUIRE(a.put(a.alice, r, dictionary_kind, entries).has_value());
  REQUIRE(a.put(a.alice, r, single_kind, {a.sign(a.alice, r, single_kind, present(big), 1)}).has_value());

  const std::size_t cert = a.alice.cert.der().size() + 3;
  // Each value encodes to about 220 bytes (90 of value, the rest its fields and signature):
  // room for three or four of them, so the five go in two parts.
  const std::size_t budget = cert + 800;
  auto parts = a.store.hand_off(r, 2, a.now, budget);
  REQUIRE(parts.size() == 2);
  DataStore other{test_config()};
  crypto::CertificateCache cache{crypto::TrustStore(crypto::test::policy_for(a.ca))};
  for (const auto& h : parts) {
    REQUIRE(h.certificates.size() == 1);  // each part carries the certificate its values need
    CHECK(h.store_req.size() + cert <= budget);
    auto req = wire::decode_exact<wire::StoreReq>(h.store_req, codec).value();
    CHECK(req.replica_number == 2);
    std::vector<wire::GenericCertificate> carried{{wire::CertificateType::x509, h.certificates[0].der()}};
    auto stored = other.store(req, StoreContext{cache, carried, nullptr, {}, a.now, a.wall});
    REQUIRE_MESSAGE(stored.has_value(), to_string(stored.error()));
  }
  auto body = other.fetch({r, {keys(dictionary_kind, {})}}, a.now, 1 << 20).value();
  auto all = wire::decode_exact<wire::FetchAns>(a.keep(std::move(body)), codec).value();
  CHECK(all.kind_responses[0].values.size() == 4);
  CHECK(other.generation(r, dictionary_kind) == a.store.generation(r, dictionary_kind));
  CHECK(other.generation(r, single_kind) == a.store.generation(r, single_kind));
  // A budget smaller than one value still hands everything over, one value per part.
  CHECK(a.store.hand_off(r, 1, a.now, 10).size() == 5);
}

// Alice's single value at her resource; Bob's single value and array entry at his.
std::pair<wire::ResourceId, wire::ResourceId> store_alice_and_bob(Bench& b) {
  auto ra = b.alice.user_resource(), rb = b.bob.user_resource();
  REQUIRE(b.put(b.alice, ra, single_kind, {b.sign(b.alice, ra, single_kind, present("a"), 1)}).has_value());
  REQUIRE(b.put(b.bob, rb, single_kind, {b.sign(b.bob, rb, single_kind, present("b"), 1)}).has_value());
  REQUIRE(b.put(b.bob, rb, array_kind, {b.sign(b.bob, rb, array_kind, wire::ArrayEntry{0, present("b")}, 1)}).has_value());
  return {ra, rb};
}

TEST_CASE("stored_sets, drop_outside and set_replica_number follow ring ranges") {
  Bench b;
  const auto [ra, rb] = store_alice_and_bob(b);
  auto sets = b.store.stored_sets(b.now);
  CHECK(sets.size() == 3);
  for (const auto& s : sets) {
    CHECK(s.replica_number == 0);
    CHECK(s.generation == 1);
    CHECK(s.values == 1);
  }
  // A range holding exactly bob's resource: (rb - 1, rb].
  auto pb = wire::ring::point_of(rb, 16);
  RingRange only_bob{wire::ring::sub(pb, wire::ring::successor_point(wire::NodeId(wire::Buffer(16, 0)))), pb};
  CHECK(only_bob.contains(rb));
  CHECK_FALSE(only_bob.contains(ra));
  CHECK(b.store.set_replica_number(only_bob, 2) == 2);
  CHECK(b.store.replica_number(rb, array_kind) == std::uint8_t{2});
  CHECK(b.store.replica_number(ra, single_kind) == std::uint8_t{0});
  CHECK(b.store.set_replica_number(only_bob, 2) == 0);
  CHECK(b.store.drop_outside(only_bob) == 1);
  CHECK(b.store.stored_sets(b.now).size() == 2);
  CHECK(values_of(b.fetch(ra, {single(single_kind)})).size() == 1);
  CHECK_FALSE(exists(values_of(b.fetch(ra, {single(single_kind)}))[0]));
  CHECK(b.store.set_replica_number(RingRange::whole(), 0) == 2);
  CHECK(b.store.drop_outside(RingRange::whole()) == 0);
}

TEST_CASE("drop forgets one resource, every Kind of it, and its counters never repeat") {
  Bench b;
  const auto [ra, rb] = store_alice_and_bob(b);
  const auto generation = b.store.generation(rb, array_kind);
  CHECK(b.store.drop(rb) == 2);
  CHECK(b.store.stats().values == 1);
  CHECK_FALSE(b.store.replica_number(rb).has_value());
  CHECK(b.store.replica_number(ra) == std::uint8_t{0});
  CHECK(b.store.drop(rb) == 0);
  // Its expiry entries are stale now: when they come due, only alice's value goes.
  CHECK(b.store.expire(b.now + std::chrono::hours(1)) == 1);
  CHECK(b.store.stats().values == 0);
  // Stored again, the resource's counters start above the dropped ones.
  REQUIRE(b.put(b.bob, rb, array_kind, {b.sign(b.bob, rb, array_kind, wire::ArrayEntry{0, present("b")}, 2)}).has_value());
  CHECK(b.store.generation(rb, array_kind) > generation);
}

TEST_CASE("values replaced over and over leave one expiry behind") {
  Bench b;
  auto r = b.alice.user_resource();
  for (std::uint64_t t = 1; t <= 300; ++t)
    REQUIRE(b.put(b.alice, r, single_kind, {b.sign(b.alice, r, single_kind, present("v"), t, 60)}).has_value());
  CHECK(b.store.stats().values == 1);
  // Stale entries may make next_expiry early, never late.
  REQUIRE(b.store.next_expiry().has_value());
  CHECK(*b.store.next_expiry() <= b.now + 60s);
  std::size_t removed = 0;
  while (auto at = b.store.next_expiry()) removed += b.store.expire(*at);
  CHECK(removed == 1);
  CHECK(b.store.stats().values == 0);
}

TEST_CASE("a forgotten set's counter is never handed out again") {
  Bench b;
  auto r = b.alice.user_resource();
  REQUIRE(b.put(b.alice, r, single_kind, {b.sign(b.alice, r, single_kind, present("a"), 1, 10)}).has_value());
  REQUIRE(b.put(b.alice, r, single_kind, {b.sign(b.alice, r, single_kind, present("b"), 2, 10)}).has_value());
  CHECK(b.store.generation(r, single_kind) == 2);
  b.now += 10s;
  CHECK(b.store.expire(b.now) == 1);
  CHECK(b.store.generation(r, single_kind) == 0);  // nothing there
  // A requester that saw generation 2 must not take new values for the ones it saw.
  auto again = store_ans(b.put(b.alice, r, single_kind, {b.sign(b.alice, r, single_kind, present("c"), 3, 10)}));
  CHECK(again.kind_responses[0].generation_counter == 3);
  CHECK(values_of(b.fetch(r, {single(single_kind, 2)})).size() == 1);
  // The same after drop_outside.
  RingRange elsewhere{node(0x01), node(0x02)};
  REQUIRE_FALSE(elsewhere.contains(r));
  CHECK(b.store.drop_outside(elsewhere) == 1);
  CHECK(store_ans(b.put(b.alice, r, array_kind, {b.sign(b.alice, r, array_kind, wire::ArrayEntry{0, present("x")}, 1)}))
            .kind_responses[0]
            .generation_counter == 4);
}

TEST_CASE("a value lives no longer than its signer's certificate") {
  Bench b;
  crypto::Identity who{{node(0x77)}, overlay, "brief@overlay.example.org", std::nullopt, {}, {}};
  auto leaf = crypto::test::make_leaf(b.ca, who, crypto::KeyType::ecdsa_p256, 1h);
  Storer brief{leaf.key, leaf.cert, node(0x77), who.user_name, std::nullopt};
  auto r = brief.user_resource();
  auto certs = b.certificates({&brief});
  auto signer = brief.verified();
  StoreContext ctx{b.cache, certs, &signer, {}, b.now, b.wall};
  REQUIRE(b.store.store({r, 0, {{single_kind, 0, {b.sign(brief, r, single_kind, present("v"), 1, 86400)}}}}, ctx)
              .has_value());
  auto v = values_of(b.fetch(r, {single(single_kind)}));
  REQUIRE(v.size() == 1);
  CHECK(v[0].lifetime <= 3600);
  CHECK(v[0].lifetime > 3500);
  REQUIRE(b.store.next_expiry().has_value());
  CHECK(*b.store.next_expiry() <= b.now + 1h);
}

TEST_CASE("section 7.4.1.1 resync: fetched values newer than ours replace them, slot by slot, all or nothing") {
  Bench b;
  auto r = b.alice.user_resource();
  auto entry = [&](const char* k, const char* s, std::uint64_t t) {
    return b.sign(b.alice, r, dictionary_kind, wire::DictionaryEntry{wire::as_bytes(k), present(s)}, t);
  };
  REQUIRE(b.put(b.alice, r, dictionary_kind, {entry("kept", "ours", 50), entry("stale", "ours", 10)}).has_value());
  REQUIRE(b.store.generation(r, dictionary_kind) == 1);

  // What to ask for: every entry of every Kind held there.
  auto request = b.store.fetch_everything(r);
  REQUIRE(request);
  REQUIRE(request->specifiers.size() == 1);
  CHECK(request->specifiers[0].kind == dictionary_kind);
  CHECK(std::get<wire::DictionarySpecifier>(request->specifiers[0].model_specifier).keys.empty());
  CHECK_FALSE(b.store.fetch_everything(b.bob.user_resource()));

  auto certs = b.certificates({&b.alice, &b.bob});
  StoreContext ctx{b.cache, certs, nullptr, b.replicas, b.now, b.wall};
  // The peer's copy: "kept" older than ours, "stale" newer, "extra" missing here, and a
  // synthesized "nothing here" value.
  wire::StoredData made_up{0, 0, wire::DictionaryEntry{wire::as_bytes("ghost"), absent()}, {}};
  wire::FetchAns theirs{{{dictionary_kind, 5, {entry("kept", "theirs", 40), entry("stale", "theirs", 20),
                                                entry("extra", "theirs", 30), made_up}}}};
  auto taken = b.store.adopt_newer(r, theirs, ctx);
  REQUIRE(taken);
  CHECK(*taken == 2);
  auto all = values_of(b.fetch(r, {keys(dictionary_kind, {})}));
  REQUIRE(all.size() == 3);
  CHECK(key_of(all[0]) == "extra");
  CHECK(key_of(all[1]) == "kept");
  CHECK(text_of(all[1]) == "ours");
  CHECK(text_of(all[2]) == "theirs");
  CHECK(b.store.generation(r, dictionary_kind) == 5);
  CHECK(b.store.replica_number(r) == std::uint8_t{0});  // still primary here

  // A value its signer may not write (bob's in alice's dictionary) refuses the whole answer.
  auto bobs = b.sign(b.bob, r, dictionary_kind, wire::DictionaryEntry{wire::as_bytes("kept"), present("bob")}, 99);
  auto newest = entry("stale", "newest", 90);
  auto refused = b.store.adopt_newer(r, wire::FetchAns{{{dictionary_kind, 6, {newest, bobs}}}}, ctx);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == errc::forbidden);
  CHECK(text_of(values_of(b.fetch(r, {keys(dictionary_kind, {})}))[2]) == "theirs");
  CHECK(b.store.generation(r, dictionary_kind) == 5);
  // Nothing newer at all: nothing taken, nothing changed.
  CHECK(b.store.adopt_newer(r, wire::FetchAns{{{dictionary_kind, 8, {entry("kept", "x", 1)}}}}, ctx).value() == 0);
  CHECK(b.store.generation(r, dictionary_kind) == 5);
}
