#include "crypto/trust_store.hpp"

#include <openssl/sha.h>

#include "crypto_fixtures.hpp"

using namespace reload::crypto;
using namespace reload::crypto::test;
using reload::wire::HashAlgorithm;
using Clock = TrustStore::Clock;

TEST_CASE("a leaf issued by the overlay's root is accepted") {
  auto ca = make_ca();
  auto leaf = make_leaf(ca, alice());
  TrustStore t(policy_for(ca));
  CHECK_FALSE(t.verify(leaf.cert));
  auto rsa_ca = make_ca(KeyType::rsa2048, "RSA CA");
  auto rsa_leaf = make_leaf(rsa_ca, alice(), KeyType::rsa2048);
  CHECK_FALSE(TrustStore(policy_for(rsa_ca)).verify(rsa_leaf.cert));
  // Several roots: either one will do.
  auto both = policy_for(ca);
  both.roots.push_back(rsa_ca.certificate());
  TrustStore t2(both);
  CHECK_FALSE(t2.verify(leaf.cert));
  CHECK_FALSE(t2.verify(rsa_leaf.cert));
  // 20-byte Node-IDs in an overlay that uses them.
  auto long_ids = make_leaf(ca, alice({node(0x11, 20)}));
  auto p20 = policy_for(ca);
  p20.node_id_length = 20;
  CHECK_FALSE(TrustStore(p20).verify(long_ids.cert));
  CHECK(t.verify(long_ids.cert) == crypto_errc::no_node_id);
}

TEST_CASE("root -> intermediate -> leaf: accepted with the intermediate, not without") {
  auto root = make_ca(KeyType::rsa2048, "Root");
  auto sub = root.make_subordinate("Intermediate", KeyType::ecdsa_p256, 24h * 30).value();
  auto leaf = make_leaf(sub, alice());
  TrustStore t(policy_for(root));
  std::vector<Certificate> chain{sub.certificate()};
  CHECK_FALSE(t.verify(leaf.cert, chain));
  CHECK(t.verify(leaf.cert) == crypto_errc::untrusted);
  // An intermediate is a CA, so never a peer.
  CHECK(t.verify(sub.certificate()) == crypto_errc::untrusted);
  // pathLenConstraint 0: an intermediate below the intermediate is refused.
  auto sub2 = sub.make_subordinate("Too deep", KeyType::ecdsa_p256, 24h).value();
  auto deep = make_leaf(sub2, alice());
  std::vector<Certificate> long_chain{sub2.certificate(), sub.certificate()};
  CHECK(t.verify(deep.cert, long_chain) == crypto_errc::not_a_ca);
  // An intermediate that expires before the leaf takes the chain down with it.
  auto brief = root.make_subordinate("Brief", KeyType::ecdsa_p256, 1h).value();
  auto outlived = make_leaf(brief, alice());
  std::vector<Certificate> brief_chain{brief.certificate()};
  CHECK_FALSE(t.verify(outlived.cert, brief_chain));
  CHECK(t.verify(outlived.cert, brief_chain, Clock::now() + 2h) == crypto_errc::expired);
}

TEST_CASE("refusals: untrusted root, expired, not yet valid, wrong overlay, no Node-ID, root as leaf") {
  auto ca = make_ca();
  auto other = make_ca(KeyType::ecdsa_p256, "Other CA");
  auto leaf = make_leaf(ca, alice());
  TrustStore t(policy_for(ca));
  CHECK(TrustStore(policy_for(other)).verify(leaf.cert) == crypto_errc::untrusted);
  TrustPolicy no_roots;
  no_roots.overlay = overlay;
  CHECK(TrustStore(no_roots).verify(leaf.cert) == crypto_errc::untrusted);
  // Same CN, another key: an impostor's leaf does not chain to the real root.
  auto impostor = make_ca(KeyType::ecdsa_p256, "Test CA");
  CHECK(t.verify(make_leaf(impostor, alice()).cert));

  CHECK(t.verify(leaf.cert, {}, leaf.cert.not_after() + 1s) == crypto_errc::expired);
  CHECK(t.verify(leaf.cert, {}, Clock::now() + 24h * 31) == crypto_errc::expired);
  CHECK(t.verify(leaf.cert, {}, leaf.cert.not_before() - 1s) == crypto_errc::not_yet_valid);
  CHECK(t.verify(leaf.cert, {}, Clock::now() - 1h) == crypto_errc::not_yet_valid);
  CHECK_FALSE(t.verify(leaf.cert, {}, Clock::now() + 24h * 29));

  auto elsewhere = make_leaf(ca, Identity{{node(0x11)}, "other.example.org", "a@b", std::nullopt, {}, {}});
  CHECK(t.verify(elsewhere.cert) == crypto_errc::wrong_overlay);
  auto no_ids = make_leaf(ca, Identity{{}, overlay, "a@b", std::nullopt, {}, {}});
  CHECK(t.verify(no_ids.cert) == crypto_errc::no_node_id);
  auto wrong_length = make_leaf(ca, alice({node(0x11, 20)}));
  CHECK(t.verify(wrong_length.cert) == crypto_errc::no_node_id);
  CHECK(t.verify(ca.certificate()) == crypto_errc::untrusted);

  // A leaf whose key cannot sign RELOAD messages, even under the right root.
  PkeyPtr p384(EVP_EC_gen("P-384"));
  RawCert raw;
  raw.subject_key = p384.get();
  raw.issuer = ca.certificate().native();
  auto ca_key = key_of(ca);
  raw.issuer_key = ca_key.native();
  raw.extensions = {{NID_basic_constraints, "critical,CA:FALSE"},
                    {NID_subject_alt_name, "URI:" + format_reload_uri(node(0x11), overlay)}};
  CHECK(t.verify(raw.make()) == crypto_errc::unsupported_algorithm);
}

TEST_CASE("an issuer without basicConstraints cA is not a CA") {
  // root -> a raw intermediate without basicConstraints (or with cA=FALSE) -> leaf.
  auto root = CertificateAuthority::create("Root", KeyType::ecdsa_p256, 24h).value();
  auto root_key = key_of(root);
  TrustStore t(policy_for(root));
  for (const char* bc : {"", "critical,CA:FALSE"}) {
    CAPTURE(bc);
    auto mid_key = PrivateKey::generate(KeyType::ecdsa_p256).value();
    RawCert mid_raw;
    mid_raw.common_name = "intermediate";
    mid_raw.subject_key = mid_key.native();
    mid_raw.issuer = root.certificate().native();
    mid_raw.issuer_key = root_key.native();
    mid_raw.extensions = {{NID_key_usage, "critical,keyCertSign,digitalSignature"}};
    if (*bc) mid_raw.extensions.emplace_back(NID_basic_constraints, bc);
    auto mid = mid_raw.make();
    CHECK_FALSE(mid.is_ca());

    auto leaf_key = PrivateKey::generate(KeyType::ecdsa_p256).value();
    RawCert leaf_raw;
    leaf_raw.common_name = "leaf";
    leaf_raw.subject_key = leaf_key.native();
    leaf_raw.issuer = mid.native();
    leaf_raw.issuer_key = mid_key.native();
    leaf_raw.extensions = {{NID_basic_constraints, "critical,CA:FALSE"},
                           {NID_subject_alt_name, "URI:" + format_reload_uri(node(0x11), overlay)}};
    auto leaf = leaf_raw.make();
    std::vector<Certificate> chain{mid};
    CHECK(t.verify(leaf, chain) == crypto_errc::not_a_ca);
  }
}

TEST_CASE("self_signed_node_id: the high-order bytes of digest([uint32 index ||] SPKI)") {
  auto key = PrivateKey::generate(KeyType::ecdsa_p256).value();
  auto spki = key.public_key_der();
  std::array<unsigned char, SHA_DIGEST_LENGTH> one{};
  SHA1(spki.data(), spki.size(), one.data());
  CHECK(self_signed_node_id(spki, HashAlgorithm::sha1, 0, 16) == reload::wire::NodeId(reload::wire::Bytes(one.data(), 16)));
  CHECK(self_signed_node_id(spki, HashAlgorithm::sha1, 0, 20) == reload::wire::NodeId(reload::wire::Bytes(one.data(), 20)));
  reload::wire::Buffer indexed{0, 0, 0, 2};
  indexed.insert(indexed.end(), spki.begin(), spki.end());
  std::array<unsigned char, SHA256_DIGEST_LENGTH> two{};
  SHA256(indexed.data(), indexed.size(), two.data());
  CHECK(self_signed_node_id(spki, HashAlgorithm::sha256, 2, 16) == reload::wire::NodeId(reload::wire::Bytes(two.data(), 16)));
  CHECK(self_signed_node_id(spki, HashAlgorithm::md5, 0, 16).empty());
  CHECK(self_signed_node_id(spki, HashAlgorithm::sha1, 0, 21).empty());
  CHECK(self_signed_node_id(spki, HashAlgorithm::sha256, 0, 15).empty());
}

TEST_CASE("self-signed certificates: only where permitted, and only with the key's Node-ID") {
  auto key = PrivateKey::generate(KeyType::ecdsa_p256).value();
  Identity who{{}, overlay, "carol@example.org", std::nullopt, {}, {}};
  auto cert = make_self_signed(key, who, HashAlgorithm::sha1, 16, 1, 24h).value();
  CHECK(cert.is_self_signed());
  auto ids = cert.node_ids(overlay);
  REQUIRE(ids.size() == 1);
  CHECK(ids[0] == self_signed_node_id(key.public_key_der(), HashAlgorithm::sha1, 0, 16));

  TrustPolicy p;
  p.overlay = overlay;
  CHECK(TrustStore(p).verify(cert) == crypto_errc::self_signed_not_permitted);
  auto ca = make_ca();
  auto with_root = policy_for(ca);
  CHECK(TrustStore(with_root).verify(cert) == crypto_errc::self_signed_not_permitted);
  p.self_signed_permitted = true;
  CHECK_FALSE(TrustStore(p).verify(cert));
  with_root.self_signed_permitted = true;  // both kinds in one overlay
  CHECK_FALSE(TrustStore(with_root).verify(cert));
  CHECK_FALSE(TrustStore(with_root).verify(make_leaf(ca, alice()).cert));

  auto three = make_self_signed(key, who, HashAlgorithm::sha1, 16, 3, 24h).value();
  CHECK(three.node_ids(overlay).size() == 3);
  CHECK_FALSE(TrustStore(p).verify(three));
  CHECK(TrustStore(p).verify(cert, {}, Clock::now() + 25h) == crypto_errc::expired);
  CHECK(TrustStore(p).verify(cert, {}, Clock::now() - 1h) == crypto_errc::not_yet_valid);

  auto p_sha256 = p;
  p_sha256.self_signed_digest = HashAlgorithm::sha256;  // the overlay says another digest
  CHECK(TrustStore(p_sha256).verify(cert) == crypto_errc::self_signed_mismatch);
  auto p_long = p;
  p_long.node_id_length = 20;  // and another Node-ID length
  CHECK(TrustStore(p_long).verify(cert) == crypto_errc::self_signed_mismatch);

  auto elsewhere = make_self_signed(key, Identity{{}, "other.example.org", "", std::nullopt, {}, {}},
                                    HashAlgorithm::sha1, 16, 1, 24h).value();
  CHECK(TrustStore(p).verify(elsewhere) == crypto_errc::wrong_overlay);

  // A self-signed certificate claiming somebody else's Node-ID, or a second one of its own
  // beside a stolen one.
  auto stolen = [&](std::string uris) {
    RawCert raw;
    raw.common_name = "thief";
    raw.subject_key = key.native();
    raw.extensions = {{NID_basic_constraints, "critical,CA:FALSE"}, {NID_subject_alt_name, std::move(uris)}};
    return raw.make();
  };
  CHECK(TrustStore(p).verify(stolen("URI:" + format_reload_uri(node(0x42), overlay))) ==
        crypto_errc::self_signed_mismatch);
  CHECK(TrustStore(p).verify(stolen("URI:" + format_reload_uri(ids[0], overlay) + ",URI:" +
                                    format_reload_uri(node(0x42), overlay))) == crypto_errc::self_signed_mismatch);
  CHECK(TrustStore(p).verify(stolen("email:x@example.org")) == crypto_errc::no_node_id);

  // A self-signed certificate whose signature does not verify is no self-signed
  // certificate at all, and chains nowhere.
  auto der = reload::wire::to_buffer(cert.der());
  der[der.size() - 3] ^= 0x01;  // inside the signature value
  auto broken = Certificate::from_der(der);
  REQUIRE(broken.has_value());
  CHECK_FALSE(broken->is_self_signed());
  CHECK(TrustStore(p).verify(*broken) == crypto_errc::untrusted);
}
