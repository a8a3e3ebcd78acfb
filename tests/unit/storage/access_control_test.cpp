#include "storage/access_control.hpp"

#include "storage_fixtures.hpp"

using namespace reload;
using namespace reload::storage;
using namespace reload::storage::test;
using config::AccessControl;
using wire::DataModel;

namespace {

struct People {
  crypto::CertificateAuthority ca = crypto::test::make_ca();
  Storer alice = make_storer(ca, "alice@overlay.example.org", "alice@example.org", {node(0x11), node(0x12)});
  Storer bob = make_storer(ca, "bob@overlay.example.org", "bob@example.org", {node(0x22)});
};

People& people() {
  static People p;
  return p;
}

AccessRule rule(AccessControl policy, std::uint32_t max_node_multiple = 0, bool xmpp = false) {
  AccessRule r;
  r.policy = policy;
  r.max_node_multiple = max_node_multiple;
  r.match_xmpp_address = xmpp;
  r.overlay = overlay;
  return r;
}

const wire::StoredDataValue single_value = wire::DataValue{true, wire::as_bytes("v")};

wire::StoredDataValue entry(wire::Bytes key) { return wire::DictionaryEntry{key, {true, wire::as_bytes("v")}}; }

}  // namespace

TEST_CASE("USER-MATCH: the hash of the certificate's rfc822Name, nothing else") {
  auto& p = people();
  auto r = rule(AccessControl::user_match);
  CHECK(check_access(r, p.alice.user_resource(), single_value, p.alice.verified()) == AccessVerdict::allowed);
  CHECK(check_access(r, p.bob.user_resource(), single_value, p.alice.verified()) == AccessVerdict::resource_mismatch);
  CHECK(check_access(r, p.alice.node_resource(), single_value, p.alice.verified()) == AccessVerdict::resource_mismatch);
  CHECK(check_access(r, p.alice.xmpp_resource(), single_value, p.alice.verified()) == AccessVerdict::resource_mismatch);
  // The hash is cut to the overlay's Resource-ID length: a longer or shorter ID is not it.
  CHECK(check_access(r, wire::resource_id_of(p.alice.user, 20), single_value, p.alice.verified()) ==
        AccessVerdict::resource_mismatch);
  auto nameless = make_storer(p.ca, "", std::nullopt, {node(0x44)});
  CHECK(check_access(r, p.alice.user_resource(), single_value, nameless.verified()) == AccessVerdict::no_user_name);
}

TEST_CASE("NODE-MATCH: the hash of one of the certificate's Node-IDs") {
  auto& p = people();
  auto r = rule(AccessControl::node_match);
  CHECK(check_access(r, p.alice.node_resource(), single_value, p.alice.verified()) == AccessVerdict::allowed);
  auto second = wire::resource_id_of(node(0x12).bytes());
  CHECK(check_access(r, second, single_value, p.alice.verified()) == AccessVerdict::allowed);
  CHECK(check_access(r, p.bob.node_resource(), single_value, p.alice.verified()) == AccessVerdict::resource_mismatch);
  CHECK(check_access(r, p.alice.user_resource(), single_value, p.alice.verified()) == AccessVerdict::resource_mismatch);

  // A cert_hash_node_id identity binds one Node-ID: only that one counts.
  crypto::VerifiedSigner bound{p.alice.cert, node(0x12)};
  CHECK(check_access(r, second, single_value, bound) == AccessVerdict::allowed);
  CHECK(check_access(r, p.alice.node_resource(), single_value, bound) == AccessVerdict::resource_mismatch);
  crypto::VerifiedSigner stranger{p.alice.cert, node(0x22)};  // not the certificate's Node-ID
  CHECK(check_access(r, p.bob.node_resource(), single_value, stranger) == AccessVerdict::no_node_id);

  // Node-IDs of another overlay do not count.
  crypto::Identity elsewhere{{node(0x55)}, "other.example.org", "eve@other.example.org", std::nullopt, {}, {}};
  auto eve = crypto::test::make_leaf(p.ca, elsewhere);
  CHECK(check_access(r, wire::resource_id_of(node(0x55).bytes()), single_value, {eve.cert, {}}) ==
        AccessVerdict::no_node_id);
}

TEST_CASE("NODE-MULTIPLE: H(Node-ID || i) for i up to max-node-multiple, i a big-endian uint32") {
  auto& p = people();
  auto r = rule(AccessControl::node_multiple, 3);
  // The encoding is pinned: SHA-1 over the 16 Node-ID bytes then 00 00 00 02.
  const wire::NodeId id = node(0x11);
  wire::Buffer name(id.bytes().begin(), id.bytes().end());
  name.insert(name.end(), {0, 0, 0, 2});
  CHECK(node_multiple_resource_id(node(0x11), 2) == wire::resource_id_of(wire::Bytes(name)));
  for (std::uint32_t i = 0; i <= 3; ++i)
    CHECK(check_access(r, node_multiple_resource_id(node(0x11), i), single_value, p.alice.verified()) ==
          AccessVerdict::allowed);
  CHECK(check_access(r, node_multiple_resource_id(node(0x11), 4), single_value, p.alice.verified()) ==
        AccessVerdict::resource_mismatch);
  CHECK(check_access(r, node_multiple_resource_id(node(0x22), 1), single_value, p.alice.verified()) ==
        AccessVerdict::resource_mismatch);
  CHECK(check_access(r, p.alice.node_resource(), single_value, p.alice.verified()) ==
        AccessVerdict::resource_mismatch);  // plain H(Node-ID) is NODE-MATCH's, not this policy's
  CHECK(check_access(r, p.alice.user_resource(), single_value, p.alice.verified()) ==
        AccessVerdict::resource_mismatch);
}

TEST_CASE("USER-NODE-MATCH: the user name's resource and the signer's Node-ID as key") {
  auto& p = people();
  auto r = rule(AccessControl::user_node_match);
  CHECK(check_access(r, p.alice.user_resource(), entry(node(0x11).bytes()), p.alice.verified()) ==
        AccessVerdict::allowed);
  CHECK(check_access(r, p.alice.user_resource(), entry(node(0x12).bytes()), p.alice.verified()) ==
        AccessVerdict::allowed);
  CHECK(check_access(r, p.alice.user_resource(), entry(node(0x22).bytes()), p.alice.verified()) ==
        AccessVerdict::key_mismatch);
  CHECK(check_access(r, p.bob.user_resource(), entry(node(0x11).bytes()), p.alice.verified()) ==
        AccessVerdict::resource_mismatch);
  CHECK(check_access(r, p.alice.user_resource(), single_value, p.alice.verified()) ==
        AccessVerdict::wrong_data_model);
  // The rfc822Name, not the xmppAddr, unless the Kind is XMPP-LOCATION.
  CHECK(check_access(r, p.alice.xmpp_resource(), entry(node(0x11).bytes()), p.alice.verified()) ==
        AccessVerdict::resource_mismatch);
  crypto::VerifiedSigner bound{p.alice.cert, node(0x12)};
  CHECK(check_access(r, p.alice.user_resource(), entry(node(0x11).bytes()), bound) == AccessVerdict::key_mismatch);
}

TEST_CASE("XMPP-LOCATION: each of XEP-0415 section 4.4's three checks refuses alone") {
  auto& p = people();
  StorageConfig config = test_config();
  const auto* xmpp_def = config.find_kind(xmpp_kind);
  REQUIRE(xmpp_def);
  AccessRule r = access_rule(*xmpp_def, config);
  CHECK(r.match_xmpp_address);
  CHECK(r.policy == AccessControl::user_node_match);
  CHECK(check_access(r, p.alice.xmpp_resource(), entry(node(0x11).bytes()), p.alice.verified()) ==
        AccessVerdict::allowed);

  // 1. a certificate without xmppAddr (its rfc822Name is no substitute)
  auto plain = make_storer(p.ca, "alice@example.org", std::nullopt, {node(0x11)});
  CHECK(check_access(r, wire::resource_id_of("alice@example.org"), entry(node(0x11).bytes()), plain.verified()) ==
        AccessVerdict::no_user_name);
  // 2. a Resource-ID that is not the hash of the xmppAddr as given: not the user name's,
  //    and not a PRECIS-prepared spelling (the store never prepares)
  CHECK(check_access(r, p.alice.user_resource(), entry(node(0x11).bytes()), p.alice.verified()) ==
        AccessVerdict::resource_mismatch);
  auto upper = make_storer(p.ca, "x@overlay.example.org", "Alice@Example.org", {node(0x13)});
  CHECK(check_access(r, wire::resource_id_of("alice@example.org"), entry(node(0x13).bytes()), upper.verified()) ==
        AccessVerdict::resource_mismatch);
  CHECK(check_access(r, wire::resource_id_of("Alice@Example.org"), entry(node(0x13).bytes()), upper.verified()) ==
        AccessVerdict::allowed);
  // 3. a dictionary key that is not the storer's Node-ID
  CHECK(check_access(r, p.alice.xmpp_resource(), entry(node(0x22).bytes()), p.alice.verified()) ==
        AccessVerdict::key_mismatch);
  CHECK(check_access(r, p.alice.xmpp_resource(), entry(wire::as_bytes("alice")), p.alice.verified()) ==
        AccessVerdict::key_mismatch);
}

TEST_CASE("access_rule reads the Kind and the overlay; verdicts have words") {
  StorageConfig config = test_config();
  config.xmpp_location_kind = user_node_kind;  // a deployment that numbers XMPP-LOCATION 106
  auto r = access_rule(*config.find_kind(user_node_kind), config);
  CHECK(r.match_xmpp_address);
  CHECK_FALSE(access_rule(*config.find_kind(xmpp_kind), config).match_xmpp_address);
  auto m = access_rule(*config.find_kind(multiple_kind), config);
  CHECK(m.policy == AccessControl::node_multiple);
  CHECK(m.max_node_multiple == 3);
  CHECK(m.overlay == overlay);
  for (auto v : {AccessVerdict::allowed, AccessVerdict::no_user_name, AccessVerdict::no_node_id,
                 AccessVerdict::resource_mismatch, AccessVerdict::key_mismatch, AccessVerdict::wrong_data_model})
    CHECK_FALSE(verdict_text(v).empty());
  CHECK(verdict_text(AccessVerdict::key_mismatch) != verdict_text(AccessVerdict::resource_mismatch));
}
