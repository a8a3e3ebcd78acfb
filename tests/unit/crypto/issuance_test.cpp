#include "crypto/issuance.hpp"

#include <sys/stat.h>

#include "crypto_fixtures.hpp"

using namespace reload::crypto;
using namespace reload::crypto::test;

TEST_CASE("a CSR round trip: the request's key and name reach the CA") {
  auto key = PrivateKey::generate(KeyType::rsa2048).value();
  auto der = make_certificate_request(key, "alice").value();
  auto csr = CertificateRequest::parse(der).value();
  CHECK(csr.requested_names() == std::vector<std::string>{"alice"});
  CHECK(csr.public_key_der() == key.public_key_der());
  auto ca = make_ca();
  auto cert = ca.issue(csr, alice(), 24h).value();
  CHECK(reload::wire::equal_bytes(cert.public_key_der(), key.public_key_der()));
}

TEST_CASE("a garbage or tampered CSR is bad_CSR") {
  std::vector<std::uint8_t> junk{'h', 'e', 'l', 'l', 'o'};
  CHECK(CertificateRequest::parse(junk).error() == crypto_errc::bad_csr);
  auto key = PrivateKey::generate(KeyType::ecdsa_p256).value();
  auto der = make_certificate_request(key, "mallory").value();
  // Flip a byte of the subject name: the self-signature no longer verifies.
  auto at = std::search(der.begin(), der.end(), std::begin("mallory"), std::end("mallory") - 1);
  REQUIRE(at != der.end());
  *at ^= 0x01;
  CHECK(CertificateRequest::parse(der).error() == crypto_errc::bad_csr);
}

TEST_CASE("the CA saves and loads itself; its key file is private") {
  auto dir = std::filesystem::temp_directory_path() / "reload-ca-test";
  std::filesystem::remove_all(dir);
  auto ca = make_ca();
  REQUIRE_FALSE(ca.save(dir));
  struct stat st{};
  REQUIRE(::stat((dir / "ca.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto back = CertificateAuthority::load(dir).value();
  CHECK(back.certificate() == ca.certificate());
  CHECK(back.certificate().is_ca());
  auto leaf = make_leaf(back, alice());
  CHECK_FALSE(TrustStore(policy_for(ca)).verify(leaf.cert));
  std::filesystem::remove_all(dir);
}
