// A data store with real certificates: a test CA, users who sign their values, and helpers
// that build StoreReqs, FetchReqs and StatReqs the way the node hands them over (decoded,
// viewing buffers kept here) and decode the answers.
#pragma once

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "crypto/certificate_cache.hpp"
#include "crypto/signing.hpp"
#include "crypto_fixtures.hpp"
#include "storage/data_store.hpp"
#include "wire/codec.hpp"
#include "wire/error_response.hpp"
#include "wire/fetch.hpp"
#include "wire/find.hpp"
#include "wire/hashes.hpp"
#include "wire/store.hpp"

namespace reload::storage::test {

using namespace std::chrono_literals;
using crypto::test::node;
using crypto::test::overlay;

// Kinds of every model and policy; XMPP-LOCATION keeps its Kind-ID 5.
inline constexpr wire::KindId single_kind = 101, array_kind = 102, dictionary_kind = 103,
                              node_kind = 104, multiple_kind = 105, user_node_kind = 106,
                              xmpp_kind = wire::kinds::xmpp_location, unknown_kind = 999;

inline config::KindDefinition kind(wire::KindId id, wire::DataModel model, config::AccessControl ac,
                                   std::uint32_t max_count, std::uint32_t max_size = 100,
                                   std::uint32_t max_node_multiple = 0) {
  config::KindDefinition k;
  k.id = id;
  k.data_model = model;
  k.access_control = ac;
  k.max_count = max_count;
  k.max_size = max_size;
  k.max_node_multiple = max_node_multiple;
  return k;
}

inline StorageConfig test_config() {
  using config::AccessControl;
  using wire::DataModel;
  StorageConfig c;
  c.overlay = overlay;
  c.kinds = {
      kind(single_kind, DataModel::single_value, AccessControl::user_match, 1),
      kind(array_kind, DataModel::array, AccessControl::user_match, 5),
      kind(dictionary_kind, DataModel::dictionary, AccessControl::user_match, 4),
      kind(node_kind, DataModel::single_value, AccessControl::node_match, 1),
      kind(multiple_kind, DataModel::single_value, AccessControl::node_multiple, 1, 100, 3),
      kind(user_node_kind, DataModel::dictionary, AccessControl::user_node_match, 10),
      kind(xmpp_kind, DataModel::dictionary, AccessControl::user_node_match, 10),
  };
  return c;
}

inline const wire::DataModelTable& test_models() {
  static const wire::DataModelTable t = [] {
    wire::DataModelTable d;
    for (const auto& k : test_config().kinds) d.set(k.id, k.data_model);
    return d;
  }();
  return t;
}

inline const wire::CodecContext codec{16, 5000, &test_models()};

// Someone who stores: a key, a certificate from the test CA, a signer.
struct Storer {
  crypto::PrivateKey key;
  crypto::Certificate cert;
  wire::NodeId node_id;
  std::string user;  // the rfc822Name
  std::optional<std::string> xmpp;

  crypto::Signer signer() const { return crypto::Signer::make(key, cert, node_id).value(); }
  crypto::VerifiedSigner verified() const { return {cert, {}}; }
  wire::ResourceId user_resource() const { return wire::resource_id_of(user); }
  wire::ResourceId xmpp_resource() const { return wire::resource_id_of(xmpp.value()); }
  wire::ResourceId node_resource() const { return wire::resource_id_of(node_id.bytes()); }
  wire::Bytes node_key() const { return node_id.bytes(); }
};

inline Storer make_storer(const crypto::CertificateAuthority& ca, std::string user,
                          std::optional<std::string> xmpp, std::vector<wire::NodeId> ids) {
  crypto::Identity who{ids, overlay, user, xmpp, {}, {}};
  auto leaf = crypto::test::make_leaf(ca, who);
  return {std::move(leaf.key), std::move(leaf.cert), ids.empty() ? wire::NodeId{} : ids.front(), user, xmpp};
}

inline wire::DataValue present(std::string_view s) { return {true, wire::as_bytes(s)}; }
inline wire::DataValue absent() { return {false, {}}; }

// A DataStore with its CA, certificate cache and a few users, and the buffers that the
// decoded requests it builds view.
struct Bench {
  crypto::CertificateAuthority ca = crypto::test::make_ca();
  crypto::CertificateCache cache{crypto::TrustStore(crypto::test::policy_for(ca))};
  DataStore store{test_config()};
  Storer alice = make_storer(ca, "alice@overlay.example.org", "alice@example.org", {node(0x11), node(0x12)});
  Storer bob = make_storer(ca, "bob@overlay.example.org", "bob@example.org", {node(0x22)});
  TimePoint now = TimePoint{} + 1000h;
  crypto::Certificate::Clock::time_point wall = crypto::Certificate::Clock::now();
  std::deque<wire::Buffer> kept;  // bytes the decoded structures view
  std::vector<wire::NodeId> replicas{node(0x31), node(0x32)};

  explicit Bench(StorageConfig config = test_config()) : store(std::move(config)) {}

  wire::Bytes keep(wire::Buffer b) { return kept.emplace_back(std::move(b)); }

  // A StoredData signed by `who`, as a Store carries it.
  wire::StoredData sign(const Storer& who, const wire::ResourceId& resource, wire::KindId kind,
                        const wire::StoredDataValue& value, std::uint64_t storage_time,
                        std::uint32_t lifetime = 3600,
                        wire::SignerIdentityType type = wire::SignerIdentityType::cert_hash) {
    auto sig = who.signer().sign_stored_data(resource, kind, storage_time, value, type).value();
    wire::StoredData d{storage_time, lifetime, value, sig.view()};
    auto encoded = keep(wire::encode_to_buffer(d).value());
    return decode(encoded, kind);
  }

  wire::StoredData decode(wire::Bytes encoded_stored_data, wire::KindId kind) {
    auto model = codec.model_of(kind);
    REQUIRE(model);
    return wire::decode_stored_data(encoded_stored_data, *model, codec).value();
  }

  // The storers' certificates, as a StoreReq's security block carries them.
  std::vector<wire::GenericCertificate> certificates(std::initializer_list<const Storer*> who) {
    std::vector<wire::GenericCertificate> out;
    for (const auto* s : who) out.push_back({wire::CertificateType::x509, s->cert.der()});
    return out;
  }

  // Stores `request` signed (as a message) by `request_signer`, carrying the certificates of
  // alice and bob.
  Result<wire::Buffer> put(const wire::StoreReq& request, const Storer* request_signer) {
    auto certs = certificates({&alice, &bob});
    std::optional<crypto::VerifiedSigner> signer;
    if (request_signer) signer = request_signer->verified();
    StoreContext ctx{cache, certs, signer ? &*signer : nullptr, replicas, now, wall};
    return store.store(request, ctx);
  }
  Result<wire::Buffer> put(const wire::ResourceId& resource, std::vector<wire::StoreKindData> kinds,
                           const Storer& request_signer) {
    return put(wire::StoreReq{resource, 0, std::move(kinds)}, &request_signer);
  }
  // One Kind, generation 0: the common case.
  Result<wire::Buffer> put(const Storer& who, const wire::ResourceId& resource, wire::KindId kind,
                           std::vector<wire::StoredData> values) {
    return put(resource, {wire::StoreKindData{kind, 0, std::move(values)}}, who);
  }

  wire::FetchAns fetch(const wire::ResourceId& resource, std::vector<wire::StoredDataSpecifier> specifiers,
                       std::size_t max = 1 << 20) {
    auto body = store.fetch(wire::FetchReq{resource, std::move(specifiers)}, now, max).value();
    return wire::decode_exact<wire::FetchAns>(keep(std::move(body)), codec).value();
  }
  wire::StatAns stat(const wire::ResourceId& resource, std::vector<wire::StoredDataSpecifier> specifiers) {
    auto body = store.stat(wire::StatReq{resource, std::move(specifiers)}, now, 1 << 20).value();
    return wire::decode_exact<wire::StatAns>(keep(std::move(body)), codec).value();
  }
};

inline wire::StoreAns store_ans(const Result<wire::Buffer>& r) {
  REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? std::string() : to_string(r.error())));
  return wire::decode_exact<wire::StoreAns>(*r, codec).value();
}

inline wire::StoredDataSpecifier single(wire::KindId kind, std::uint64_t generation = 0) {
  return {kind, generation, wire::SingleValueSpecifier{}};
}
inline wire::StoredDataSpecifier ranges(wire::KindId kind, std::vector<wire::ArrayRange> r,
                                        std::uint64_t generation = 0) {
  return {kind, generation, wire::ArraySpecifier{std::move(r)}};
}
inline wire::StoredDataSpecifier keys(wire::KindId kind, std::vector<wire::Bytes> k,
                                      std::uint64_t generation = 0) {
  return {kind, generation, wire::DictionarySpecifier{std::move(k)}};
}

// The plain contents of a fetched value, for comparisons.
inline std::string text_of(const wire::StoredData& d) {
  const auto* v = wire::data_value_of(d.value);
  return v ? std::string(wire::as_string_view(v->value)) : "<raw>";
}
inline bool exists(const wire::StoredData& d) {
  const auto* v = wire::data_value_of(d.value);
  return v && v->exists;
}

inline errc code_of(const Result<wire::Buffer>& r) {
  REQUIRE_FALSE(r.has_value());
  return r.error().code;
}

}  // namespace reload::storage::test
