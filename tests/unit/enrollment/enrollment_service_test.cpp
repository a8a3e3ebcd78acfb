#include "enrollment_service.hpp"

#include <doctest/doctest.h>

#include "config/multipart.hpp"
#include "crypto/trust_store.hpp"

using namespace reload;
using namespace reload::enroll;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

struct Rig {
  fs::path dir = fs::temp_directory_path() / "reload-enroll-service-test";
  crypto::CertificateAuthority ca = crypto::CertificateAuthority::create("CA", crypto::KeyType::ecdsa_p256, 24h).value();
  std::unique_ptr<EnrollmentService> service;

  Rig() { reset(); }
  void reset(bool wipe = true) {
    if (wipe) fs::remove_all(dir);
    fs::create_directories(dir);
    auto loaded = UserDb::load(dir / "users");
    REQUIRE(loaded.has_value());
    auto users = std::move(*loaded);
    if (wipe) {
      REQUIRE(users.add("alice", "secret", std::string("alice@example.org")).has_value());
      REQUIRE(users.add("bob", "pw", std::nullopt).has_value());
    }
    auto reg = NodeIdRegistry::load(dir / "issued", 16);
    REQUIRE(reg.has_value());
    auto registry = std::move(*reg);
    service = std::make_unique<EnrollmentService>(ServiceSettings{"overlay.test", 4, 24h}, "<overlay/>", ca,
                                                  std::move(users), std::move(registry));
  }
  ~Rig() { fs::remove_all(dir); }

  HttpResponse post(const std::string& user, const std::string& password, const std::string& csr,
                    std::optional<std::string> nodeids = std::nullopt) {
    std::vector<config::FormPart> parts{{"username", {}, {}, user}, {"password", {}, {}, password},
                                        {"csr", "application/pkcs10", std::string("c.der"), csr}};
    if (nodeids) parts.push_back({"nodeids", {}, {}, *nodeids});
    auto form = config::encode_form(parts, "xyz");
    return service->handle({"POST", "/enroll", form.content_type, "application/pkix-cert", form.body});
  }
};

std::string csr_for(const crypto::PrivateKey& key, std::string_view name = "") {
  auto der = crypto::make_certificate_request(key, name).value();
  return std::string(der.begin(), der.end());
}

crypto::Certificate certificate_of(const HttpResponse& r) {
  REQUIRE(r.status == 200);
  CHECK(r.content_type == "application/pkix-cert");
  return crypto::Certificate::from_der(wire::as_bytes(r.body)).value();
}

}  // namespace

TEST_CASE("an enrolled certificate carries fresh Node-IDs, the user name and the XMPP address") {
  Rig rig;
  auto key = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256).value();
  auto cert = certificate_of(rig.post("alice", "secret", csr_for(key, "alice"), "2"));
  CHECK(cert.node_ids("overlay.test").size() == 2);
  CHECK(cert.user_names() == std::vector<std::string>{"alice@overlay.test"});
  CHECK(cert.xmpp_addresses() == std::vector<std::string>{"alice@example.org"});
  crypto::TrustPolicy p;
  p.overlay = "overlay.test";
  p.roots = {rig.ca.certificate()};
  CHECK_FALSE(crypto::TrustStore(p).verify(cert));
  auto bob = certificate_of(rig.post("bob", "pw", csr_for(key)));
  CHECK(bob.xmpp_addresses().empty());
  CHECK(bob.node_ids("overlay.test").front() != cert.node_ids("overlay.test").front());
}

TEST_CASE("a returning user gets the same Node-IDs, also after a restart") {
  Rig rig;
  auto key = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256).value();
  auto first = certificate_of(rig.post("alice", "secret", csr_for(key)));
  rig.reset(false);  // a restarted server reads the registry again
  auto second = certificate_of(rig.post("alice", "secret", csr_for(key)));
  CHECK(first.node_ids("overlay.test") == second.node_ids("overlay.test"));
}

TEST_CASE("each refusal has its RFC token") {
  Rig rig;
  auto key = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256).value();
  auto r = rig.post("alice", "wrong", csr_for(key));
  CHECK(r.status == 403);
  CHECK(r.body == "failed_authentication");
  CHECK(rig.post("nobody", "secret", csr_for(key)).body == "failed_authentication");
  CHECK(rig.post("alice", "secret", "garbage").body == "bad_CSR");
  CHECK(rig.post("alice", "secret", csr_for(key, "bob")).body == "username_not_available");
  CHECK(rig.post("alice", "secret", csr_for(key), "5").body == "Node-IDs_not_available");
  CHECK(rig.post("alice", "secret", csr_for(key), "0").body == "Node-IDs_not_available");
  CHECK(rig.post("alice", "secret", csr_for(key), "two").body == "Node-IDs_not_available");
}

TEST_CASE("other requests: the document, wrong methods, bad forms, Accept") {
  Rig rig;
  auto doc = rig.service->handle({"GET", "/.well-known/reload-config", "", "", ""});
  CHECK(doc.status == 200);
  CHECK(doc.content_type == "application/p2p-overlay+xml");
  CHECK(doc.body == "<overlay/>");
  CHECK(rig.service->handle({"GET", "/enroll", "", "", ""}).status == 405);
  CHECK(rig.service->handle({"GET", "/nothing", "", "", ""}).status == 404);
  CHECK(rig.service->handle({"POST", "/enroll", "text/plain", "", "x"}).status == 400);
  CHECK(rig.service->handle({"POST", "/enroll", "multipart/form-data; boundary=q", "text/html", "--q--\r\n"}).status == 406);
}
