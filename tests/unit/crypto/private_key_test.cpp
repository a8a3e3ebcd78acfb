#include "crypto/private_key.hpp"

#include <fstream>
#include <sstream>

#include <openssl/pem.h>
#include <sys/stat.h>

#include "crypto_fixtures.hpp"

using namespace reload;
using namespace reload::crypto;
using namespace reload::crypto::test;

namespace {

std::string pem_of(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  REQUIRE(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1);
  return bio_text(bio.get());
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

unsigned mode_of(const std::filesystem::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

// Verifies with the public half only, through OpenSSL directly: the signature is what any
// other RELOAD implementation would check.
bool openssl_verifies(const PrivateKey& key, wire::Bytes input, wire::Bytes sig) {
  auto spki = key.public_key_der();
  const unsigned char* p = spki.data();
  PkeyPtr pub(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
  REQUIRE(pub);
  MdCtxPtr ctx(EVP_MD_CTX_new());
  REQUIRE(EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pub.get()) == 1);
  return EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), input.data(), input.size()) == 1;
}

}  // namespace

TEST_CASE("generated keys sign with the RELOAD algorithm pair of their type") {
  const wire::Buffer input(300, 0xa5);
  auto rsa = PrivateKey::generate(KeyType::rsa2048).value();
  CHECK(rsa.algorithm() == wire::SignatureAndHashAlgorithm{wire::HashAlgorithm::sha256, wire::SignatureAlgorithm::rsa});
  auto rsa_sig = rsa.sign(input).value();
  CHECK(rsa_sig.size() == 256);  // PKCS#1 v1.5: the modulus size
  CHECK(openssl_verifies(rsa, input, rsa_sig));

  auto ec = PrivateKey::generate(KeyType::ecdsa_p256).value();
  CHECK(ec.algorithm() == wire::SignatureAndHashAlgorithm{wire::HashAlgorithm::sha256, wire::SignatureAlgorithm::ecdsa});
  auto ec_sig = ec.sign(input).value();
  REQUIRE(ec_sig.size() >= 8);
  CHECK(ec_sig[0] == 0x30);  // a DER ECDSA-Sig-Value SEQUENCE, not raw r || s
  CHECK(ec_sig.size() <= 72);
  CHECK(openssl_verifies(ec, input, ec_sig));
  CHECK_FALSE(openssl_verifies(rsa, input, ec_sig));
}

TEST_CASE("save writes PKCS#8 PEM with mode 0600, atomically replacing the old file") {
  TempDir dir("reload-key-test");
  auto file = dir.path / "node.key";
  {
    std::ofstream old(file);
    old << "an older, world-readable file";
  }
  std::filesystem::permissions(file, std::filesystem::perms(0644));

  for (auto type : {KeyType::ecdsa_p256, KeyType::rsa2048}) {
    auto key = PrivateKey::generate(type).value();
    REQUIRE_FALSE(key.save(file));
    CHECK(mode_of(file) == 0600);
    auto text = read_file(file);
    CHECK(text.starts_with("-----BEGIN PRIVATE KEY-----"));  // PKCS#8, not "RSA"/"EC PRIVATE KEY"
    auto back = PrivateKey::load(file).value();
    CHECK(back.public_key_der() == key.public_key_der());
    CHECK(back.algorithm() == key.algorithm());
  }
  // Nothing but the key itself is left in the directory.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path)) ++files;
  CHECK(files == 1);
  // A directory that does not exist is an error, not a crash.
  auto key = PrivateKey::generate(KeyType::ecdsa_p256).value();
  CHECK(key.save(dir.path / "missing" / "node.key"));
  CHECK(PrivateKey::load(dir.path / "missing.key").error() == boost::system::errc::no_such_file_or_directory);
}

TEST_CASE("from_pem: garbage and encrypted keys are bad_encoding, other key types unsupported") {
  CHECK(PrivateKey::from_pem("").error() == crypto_errc::bad_encoding);
  CHECK(PrivateKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").error() ==
        crypto_errc::bad_encoding);

  // An encrypted key is refused without asking for a passphrase (the test would hang).
  auto key = PrivateKey::generate(KeyType::ecdsa_p256).value();
  BioPtr bio(BIO_new(BIO_s_mem()));
  const char pass[] = "secret";
  REQUIRE(PEM_write_bio_PKCS8PrivateKey(bio.get(), key.native(), EVP_aes_256_cbc(), pass, 6, nullptr, nullptr) == 1);
  auto encrypted = bio_text(bio.get());
  CHECK(encrypted.find("ENCRYPTED") != std::string::npos);
  CHECK(PrivateKey::from_pem(encrypted).error() == crypto_errc::bad_encoding);

  // A traditional ("EC PRIVATE KEY") PEM is read as well.
  CHECK(PrivateKey::from_pem(pem_of(key.native())).has_value());

  PkeyPtr ed(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  PkeyPtr p384(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  PkeyPtr rsa1024(EVP_RSA_gen(1024));
  for (EVP_PKEY* k : {ed.get(), p384.get(), rsa1024.get()}) {
    REQUIRE(k);
    CHECK(PrivateKey::from_pem(pem_of(k)).error() == crypto_errc::unsupported_algorithm);
  }
}
