#include "crypto/trust_store.hpp"

#include <openssl/x509v3.h>

#include "crypto/openssl_handles.hpp"
#include "crypto_fixtures.hpp"

using namespace reload::crypto;
using namespace reload::crypto::test;
using Clock = TrustStore::Clock;

namespace {

// A certificate made with raw OpenSSL, for the shapes the API refuses to make: an issuer
// without basicConstraints.
Certificate raw_cert(const char* cn, EVP_PKEY* subject_key, X509* issuer, EVP_PKEY* issuer_key,
                     bool with_bc, const std::string& uri) {
  X509Ptr x(X509_new());
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 7);
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509_set_issuer_name(x.get(), X509_get_subject_name(issuer ? issuer : x.get()));
  X509_gmtime_adj(X509_getm_notBefore(x.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600);
  X509_set_pubkey(x.get(), subject_key);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? issuer : x.get(), x.get(), nullptr, nullptr, 0);
  auto add = [&](int nid, const char* v) {
    X509_EXTENSION* e = X509V3_EXT_conf_nid(nullptr, &ctx, nid, v);
    X509_add_ext(x.get(), e, -1);
    X509_EXTENSION_free(e);
  };
  if (with_bc) add(NID_basic_constraints, "critical,CA:FALSE");
  if (!uri.empty()) add(NID_subject_alt_name, ("URI:" + uri).c_str());
  X509_sign(x.get(), issuer_key, EVP_sha256());
  unsigned char* der = nullptr;
  int n = i2d_X509(x.get(), &der);
  reload::wire::Buffer b(der, der + n);
  OPENSSL_free(der);
  return Certificate::from_der(b).value();
}

}  // namespace

TEST_CASE("a leaf issued by the overlay's root is accepted") {
  auto ca = make_ca();
  auto leaf = make_leaf(ca, alice());
  TrustStore t(policy_for(ca));
  CHECK_FALSE(t.verify(leaf.cert));
  auto rsa_ca = make_ca(KeyType::rsa2048, "RSA CA");
  auto rsa_leaf = make_leaf(rsa_ca, alice(), KeyType::rsa2048);
  CHECK_FALSE(TrustStore(policy_for(rsa_ca)).verify(rsa_leaf.cert));
}

TEST_CASE("refusals: untrusted root, expired, not yet valid, wrong overlay, root as leaf") {
  auto ca = make_ca();
  auto other = make_ca(KeyType::ecdsa_p256, "Other CA");
  auto leaf = make_leaf(ca, alice());
  TrustStore t(policy_for(ca));
  CHECK(TrustStore(policy_for(other)).verify(leaf.cert) == crypto_errc::untrusted);
  CHECK(t.verify(leaf.cert, {}, Clock::now() + 24h * 31) == crypto_errc::expired);
  CHECK(t.verify(leaf.cert, {}, Clock::now() - 1h) == crypto_errc::not_yet_valid);
  auto elsewhere = make_leaf(ca, Identity{{node(0x11)}, "other.example.org", "a@b", std::nullopt, {}, {}});
  CHECK(t.verify(elsewhere.cert) == crypto_errc::wrong_overlay);
  auto no_ids = make_leaf(ca, Identity{{}, overlay, "a@b", std::nullopt, {}, {}});
  CHECK(t.verify(no_ids.cert) == crypto_errc::no_node_id);
  CHECK(t.verify(ca.certificate()) == crypto_errc::untrusted);
}

TEST_CASE("an issuer without basicConstraints cA is not a CA") {
  // root -> a raw intermediate without basicConstraints -> leaf. The CA keeps its key to
  // itself, so it is saved and reloaded to sign the intermediate by hand.
  auto mid_key = PrivateKey::generate(KeyType::ecdsa_p256).value();
  auto root_key_holder = CertificateAuthority::create("Root", KeyType::ecdsa_p256, 24h).value();
  auto dir = std::filesystem::temp_directory_path() / "reload-trust-test";
  std::filesystem::remove_all(dir);
  REQUIRE_FALSE(root_key_holder.save(dir));
  auto root_key = PrivateKey::load(dir / "ca.key").value();
  auto mid = raw_cert("intermediate", mid_key.native(), root_key_holder.certificate().native(), root_key.native(), false, "");
  auto leaf_key = PrivateKey::generate(KeyType::ecdsa_p256).value();
  auto leaf = raw_cert("leaf", leaf_key.native(), mid.native(), mid_key.native(), true,
                       format_reload_uri(node(0x11), overlay));
  TrustStore t(policy_for(root_key_holder));
  std::vector<Certificate> chain{mid};
  CHECK(t.verify(leaf, chain) == crypto_errc::not_a_ca);
  std::filesystem::remove_all(dir);
}

TEST_CASE("self-signed certificates: only where permitted, and only with the key's Node-ID") {
  auto key = PrivateKey::generate(KeyType::ecdsa_p256).value();
  Identity who{{}, overlay, "carol@example.org", std::nullopt, {}, {}};
  auto cert = make_self_signed(key, who, reload::wire::HashAlgorithm::sha1, 16, 1, 24h).value();
  CHECK(cert.is_self_signed());
  auto ids = cert.node_ids(overlay);
  REQUIRE(ids.size() == 1);
  CHECK(ids[0] == self_signed_node_id(key.public_key_der(), reload::wire::HashAlgorithm::sha1, 0, 16));

  TrustPolicy p;
  p.overlay = overlay;
  CHECK(TrustStore(p).verify(cert) == crypto_errc::self_signed_not_permitted);
  p.self_signed_permitted = true;
  CHECK_FALSE(TrustStore(p).verify(cert));
  auto three = make_self_signed(key, who, reload::wire::HashAlgorithm::sha1, 16, 3, 24h).value();
  CHECK(three.node_ids(overlay).size() == 3);
  CHECK_FALSE(TrustStore(p).verify(three));
  p.self_signed_digest = reload::wire::HashAlgorithm::sha256;  // the overlay says another digest
  CHECK(TrustStore(p).verify(cert) == crypto_errc::self_signed_mismatch);

  // A self-signed certificate claiming somebody else's Node-ID.
  p.self_signed_digest = reload::wire::HashAlgorithm::sha1;
  auto thief = raw_cert("thief", key.native(), nullptr, key.native(), true, format_reload_uri(node(0x42), overlay));
  CHECK(TrustStore(p).verify(thief) == crypto_errc::self_signed_mismatch);
}
