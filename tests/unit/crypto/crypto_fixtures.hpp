// Keys, CAs and certificates made in the test, never checked in.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>
#include <unistd.h>

#include "crypto/issuance.hpp"
#include "crypto/openssl_handles.hpp"
#include "crypto/trust_store.hpp"

namespace reload::crypto::test {

using reload::crypto_errc;
inline constexpr const char* overlay = "overlay.example.org";
using namespace std::chrono_literals;

inline wire::NodeId node(std::uint8_t fill, std::size_t size = 16) {
  wire::Buffer b(size, fill);
  return wire::NodeId(wire::Bytes(b.data(), b.size()));
}

inline CertificateAuthority make_ca(KeyType type = KeyType::ecdsa_p256, const char* name = "Test CA") {
  return CertificateAuthority::create(name, type, 24h * 365).value();
}

struct Leaf {
  PrivateKey key;
  Certificate cert;
};

inline Leaf make_leaf(const CertificateAuthority& ca, Identity who, KeyType type = KeyType::ecdsa_p256,
                      std::chrono::seconds validity = 24h * 30) {
  auto key = PrivateKey::generate(type).value();
  auto csr = CertificateRequest::parse(make_certificate_request(key, "").value()).value();
  auto cert = ca.issue(csr, who, validity).value();
  return {std::move(key), std::move(cert)};
}

inline Identity alice(std::vector<wire::NodeId> ids = {node(0x11)}) {
  return Identity{std::move(ids), overlay, "alice@overlay.example.org", std::string("alice@example.org"), {}, {}};
}

inline TrustPolicy policy_for(const CertificateAuthority& ca) {
  TrustPolicy p;
  p.overlay = overlay;
  p.roots = {ca.certificate()};
  return p;
}

// A directory of its own under the temporary directory, removed when the test ends.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

// A CA's private key: the API keeps it inside the CA, so it goes through save and load,
// as an operator's would.
inline PrivateKey key_of(const CertificateAuthority& ca) {
  TempDir dir("reload-ca-key");
  REQUIRE_FALSE(ca.save(dir.path));
  return PrivateKey::load(dir.path / "ca.key").value();
}

// A certificate made with raw OpenSSL, for the shapes the API refuses to make (an issuer
// without basicConstraints, a foreign URI, a stolen Node-ID). `extensions` are OpenSSL
// configuration strings ("critical,CA:FALSE", "URI:reload://...") by NID.
struct RawCert {
  std::string common_name = "raw";
  EVP_PKEY* subject_key = nullptr;
  X509* issuer = nullptr;  // nullptr: self-signed
  EVP_PKEY* issuer_key = nullptr;
  std::vector<std::pair<int, std::string>> extensions;
  long not_before = -60;  // seconds from now
  long not_after = 3600;

  Certificate make() const {
    X509Ptr x(X509_new());
    REQUIRE(x);
    X509_set_version(x.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 7);
    X509_NAME* name = X509_get_subject_name(x.get());
    if (!common_name.empty())
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
    X509_set_issuer_name(x.get(), X509_get_subject_name(issuer ? issuer : x.get()));
    X509_gmtime_adj(X509_getm_notBefore(x.get()), not_before);
    X509_gmtime_adj(X509_getm_notAfter(x.get()), not_after);
    X509_set_pubkey(x.get(), subject_key);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer : x.get(), x.get(), nullptr, nullptr, 0);
    // Not a structured binding: clang before 16 cannot capture one in doctest's lambda.
    for (const auto& ext : extensions) {
      const std::string& value = ext.second;
      X509ExtensionPtr e(X509V3_EXT_conf_nid(nullptr, &ctx, ext.first, value.c_str()));
      REQUIRE_MESSAGE(e, value);
      X509_add_ext(x.get(), e.get(), -1);
    }
    REQUIRE(X509_sign(x.get(), issuer_key ? issuer_key : subject_key, EVP_sha256()) > 0);
    return Certificate::from_der(to_der<X509>(x.get(), i2d_X509)).value();
  }
};

}  // namespace reload::crypto::test
