#include "crypto/issuance.hpp"

#include <algorithm>

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include "crypto_fixtures.hpp"

using namespace reload::crypto;
using namespace reload::crypto::test;

namespace {

// Whether extension `nid` is there, and whether it is marked critical.
struct Ext {
  bool present = false;
  bool critical = false;
};
Ext extension(const Certificate& c, int nid) {
  int at = X509_get_ext_by_NID(c.native(), nid, -1);
  if (at < 0) return {};
  return {true, X509_EXTENSION_get_critical(X509_get_ext(c.native(), at)) == 1};
}

std::string pem_of_csr(reload::wire::Bytes der) {
  const unsigned char* p = der.data();
  X509ReqPtr req(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
  REQUIRE(req);
  BioPtr bio(BIO_new(BIO_s_mem()));
  REQUIRE(PEM_write_bio_X509_REQ(bio.get(), req.get()) == 1);
  return bio_text(bio.get());
}

}  // namespace

TEST_CASE("a CSR round trip: the request's key and name reach the CA") {
  auto key = PrivateKey::generate(KeyType::rsa2048).value();
  auto der = make_certificate_request(key, "alice").value();
  auto csr = CertificateRequest::parse(der).value();
  CHECK(csr.requested_names() == std::vector<std::string>{"alice"});
  CHECK(csr.public_key_der() == key.public_key_der());
  CHECK(csr.der() == der);
  auto ca = make_ca();
  auto cert = ca.issue(csr, alice(), 24h).value();
  CHECK(reload::wire::equal_bytes(cert.public_key_der(), key.public_key_der()));

  // The same request as PEM (application/pkcs10 bodies come both ways).
  auto pem = pem_of_csr(der);
  auto from_pem = CertificateRequest::parse(reload::wire::as_bytes(pem)).value();
  CHECK(from_pem.der() == der);
  // No name at all is fine: the enrollment form carries the user name.
  auto anonymous = CertificateRequest::parse(make_certificate_request(key, "").value()).value();
  CHECK(anonymous.requested_names().empty());
}

TEST_CASE("a garbage, tampered or weak CSR is bad_CSR") {
  std::vector<std::uint8_t> junk{'h', 'e', 'l', 'l', 'o'};
  CHECK(CertificateRequest::parse(junk).error() == crypto_errc::bad_csr);
  CHECK(CertificateRequest::parse({}).error() == crypto_errc::bad_csr);
  CHECK(CertificateRequest::parse(reload::wire::as_bytes("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n"
                                                         "-----END CERTIFICATE REQUEST-----\n"))
            .error() == crypto_errc::bad_csr);
  auto key = PrivateKey::generate(KeyType::ecdsa_p256).value();
  auto der = make_certificate_request(key, "mallory").value();
  // Any single changed byte: it no longer parses or its self-signature no longer verifies.
  for (std::size_t i = 0; i < der.size(); ++i) {
    auto bad = der;
    bad[i] ^= 0x01;
    auto r = CertificateRequest::parse(bad);
    CHECK_MESSAGE(r.has_error(), "byte ", i);
    if (r.has_error()) CHECK(r.error() == crypto_errc::bad_csr);
  }
  auto truncated = der;
  truncated.pop_back();
  CHECK(CertificateRequest::parse(truncated).error() == crypto_errc::bad_csr);
  auto trailing = der;
  trailing.push_back(0);
  CHECK(CertificateRequest::parse(trailing).error() == crypto_errc::bad_csr);

  // A well-formed request for a key RELOAD does not accept.
  PkeyPtr weak(EVP_RSA_gen(1024));
  X509ReqPtr req(X509_REQ_new());
  X509_REQ_set_pubkey(req.get(), weak.get());
  REQUIRE(X509_REQ_sign(req.get(), weak.get(), EVP_sha256()) > 0);
  auto weak_der = to_der<X509_REQ>(req.get(), i2d_X509_REQ);
  CHECK(CertificateRequest::parse(weak_der).error() == crypto_errc::bad_csr);
}

TEST_CASE("issued leaves: empty subject, critical SAN, CA:FALSE, both TLS purposes, random serial") {
  auto ca = make_ca();
  auto a = make_leaf(ca, alice());
  auto b = make_leaf(ca, alice(), KeyType::rsa2048);
  for (const auto* c : {&a.cert, &b.cert}) {
    X509* x = c->native();
    CHECK(X509_get_version(x) == 2);  // v3
    CHECK(X509_NAME_entry_count(X509_get_subject_name(x)) == 0);
    CHECK(X509_NAME_cmp(X509_get_issuer_name(x), X509_get_subject_name(ca.certificate().native())) == 0);
    CHECK(extension(*c, NID_subject_alt_name).critical);  // RFC 5280: empty subject
    CHECK(extension(*c, NID_basic_constraints).critical);
    CHECK(X509_check_ca(x) == 0);
    CHECK(extension(*c, NID_key_usage).critical);
    CHECK((X509_get_key_usage(x) & KU_DIGITAL_SIGNATURE) != 0);
    CHECK((X509_get_key_usage(x) & KU_KEY_CERT_SIGN) == 0);
    CHECK((X509_get_extended_key_usage(x) & (XKU_SSL_SERVER | XKU_SSL_CLIENT)) == (XKU_SSL_SERVER | XKU_SSL_CLIENT));
    // The authority key identifier names the CA's subject key identifier.
    const ASN1_OCTET_STRING* skid = X509_get0_subject_key_id(ca.certificate().native());
    const ASN1_OCTET_STRING* akid = X509_get0_authority_key_id(x);
    REQUIRE(skid);
    REQUIRE(akid);
    CHECK(ASN1_OCTET_STRING_cmp(skid, akid) == 0);
    CHECK(X509_get0_subject_key_id(x) != nullptr);
    CHECK(X509_get_signature_nid(x) == NID_ecdsa_with_SHA256);  // signed by the EC CA
    // A positive serial of about 128 random bits.
    OpenSslPtr<BIGNUM, BN_free> serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), nullptr));
    REQUIRE(serial);
    CHECK(BN_num_bits(serial.get()) >= 120);
    CHECK_FALSE(BN_is_negative(serial.get()));
  }
  CHECK((X509_get_key_usage(b.cert.native()) & KU_KEY_ENCIPHERMENT) != 0);  // RSA key transport
  CHECK(ASN1_INTEGER_cmp(X509_get0_serialNumber(a.cert.native()), X509_get0_serialNumber(b.cert.native())) != 0);
}

TEST_CASE("CA certificates: CN, critical CA:TRUE, keyCertSign and cRLSign, self-signed") {
  auto ca = make_ca(KeyType::rsa2048, "Overlay Root");
  const auto& c = ca.certificate();
  CHECK(c.is_ca());
  CHECK(c.is_self_signed());
  CHECK(c.subject() == "CN=Overlay Root");
  CHECK(extension(c, NID_basic_constraints).critical);
  CHECK((X509_get_key_usage(c.native()) & (KU_KEY_CERT_SIGN | KU_CRL_SIGN)) == (KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  CHECK(X509_get_signature_nid(c.native()) == NID_sha256WithRSAEncryption);
  CHECK(c.reload_uris().empty());

  auto sub = ca.make_subordinate("Enrollment CA", KeyType::ecdsa_p256, 24h).value();
  CHECK(sub.certificate().is_ca());
  CHECK_FALSE(sub.certificate().is_self_signed());
  CHECK(sub.certificate().issuer() == "CN=Overlay Root");
  CHECK(X509_get_pathlen(sub.certificate().native()) == 0);
}

TEST_CASE("the CA saves and loads itself; its key file is private") {
  TempDir dir("reload-ca-test");
  auto ca = make_ca();
  REQUIRE_FALSE(ca.save(dir.path / "ca"));  // creates the directory
  struct stat st {};
  REQUIRE(::stat((dir.path / "ca" / "ca.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto back = CertificateAuthority::load(dir.path / "ca").value();
  CHECK(back.certificate() == ca.certificate());
  CHECK(back.certificate().is_ca());
  auto leaf = make_leaf(back, alice());
  CHECK_FALSE(TrustStore(policy_for(ca)).verify(leaf.cert));

  // Another CA's key beside this certificate is refused.
  auto other = make_ca();
  REQUIRE_FALSE(other.save(dir.path / "other"));
  std::filesystem::copy_file(dir.path / "other" / "ca.key", dir.path / "ca" / "ca.key",
                             std::filesystem::copy_options::overwrite_existing);
  CHECK(CertificateAuthority::load(dir.path / "ca").error() == crypto_errc::key_mismatch);
  CHECK(CertificateAuthority::load(dir.path / "missing").has_error());
}

TEST_CASE("self-signed certificates carry the key's Node-IDs as reload URIs") {
  auto key = PrivateKey::generate(KeyType::ecdsa_p256).value();
  Identity who{{node(0x99)}, overlay, "dave@example.org", std::string("dave@example.org"), {}, {}};
  auto one = make_self_signed(key, who, reload::wire::HashAlgorithm::sha256, 16, 1, 24h).value();
  CHECK(one.is_self_signed());
  CHECK_FALSE(one.is_ca());
  CHECK(one.subject() == "CN=dave@example.org");  // the user name, which the user may choose
  CHECK(one.user_names() == std::vector<std::string>{"dave@example.org"});
  CHECK(one.xmpp_addresses() == std::vector<std::string>{"dave@example.org"});
  // `who`'s Node-IDs are ignored: a self-signed Node-ID is computed, never chosen.
  CHECK(one.node_ids(overlay) ==
        std::vector<reload::wire::NodeId>{self_signed_node_id(key.public_key_der(), reload::wire::HashAlgorithm::sha256, 0, 16)});

  auto five = make_self_signed(key, who, reload::wire::HashAlgorithm::sha1, 20, 5, 24h).value();
  auto ids = five.node_ids(overlay);
  REQUIRE(ids.size() == 5);
  for (std::uint32_t i = 0; i < 5; ++i)
    CHECK(ids[i] == self_signed_node_id(key.public_key_der(), reload::wire::HashAlgorithm::sha1, i + 1, 20));

  // No user name: an empty subject, still self-signed, still with its Node-ID.
  Identity nameless{{}, overlay, "", std::nullopt, {}, {}};
  auto bare = make_self_signed(key, nameless, reload::wire::HashAlgorithm::sha1, 16, 1, 24h).value();
  CHECK(bare.is_self_signed());
  CHECK(bare.node_ids(overlay).size() == 1);

  CHECK(make_self_signed(key, who, reload::wire::HashAlgorithm::sha1, 16, 0, 24h).error() == crypto_errc::no_node_id);
  CHECK(make_self_signed(key, who, reload::wire::HashAlgorithm::md5, 16, 1, 24h).error() ==
        crypto_errc::unsupported_algorithm);
  CHECK(make_self_signed(key, who, reload::wire::HashAlgorithm::sha1, 21, 1, 24h).error() ==
        crypto_errc::unsupported_algorithm);
}

TEST_CASE("dNSName and iPAddress for servers that are not peers") {
  auto ca = make_ca();
  Identity server{{}, overlay, "", std::nullopt, {"enroll.example.org"}, {"127.0.0.1", "::1"}};
  auto leaf = make_leaf(ca, server);
  CHECK(X509_check_host(leaf.cert.native(), "enroll.example.org", 0, 0, nullptr) == 1);
  CHECK(X509_check_ip_asc(leaf.cert.native(), "127.0.0.1", 0) == 1);
  CHECK(X509_check_ip_asc(leaf.cert.native(), "::1", 0) == 1);
  CHECK(leaf.cert.reload_uris().empty());
  Identity bad_ip{{}, overlay, "", std::nullopt, {}, {"not-an-address"}};
  auto key = PrivateKey::generate(KeyType::ecdsa_p256).value();
  auto csr = CertificateRequest::parse(make_certificate_request(key, "").value()).value();
  CHECK(ca.issue(csr, bad_ip, 24h).has_error());
  // Node-IDs need an overlay name their URIs can carry.
  for (const char* bad_overlay : {"", "a/b", "a@b"}) {
    Identity nowhere{{node(0x11)}, bad_overlay, "a@b", std::nullopt, {}, {}};
    CHECK(ca.issue(csr, nowhere, 24h).error() == crypto_errc::wrong_overlay);
    CHECK(make_self_signed(key, nowhere, reload::wire::HashAlgorithm::sha1, 16, 1, 24h).error() ==
          crypto_errc::wrong_overlay);
  }
}
