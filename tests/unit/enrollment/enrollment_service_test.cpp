#include "enrollment_service.hpp"

#include <set>

#include <doctest/doctest.h>

#include "enrollment_fixture.hpp"
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "config/enrollment_protocol.hpp"
#include "config/multipart.hpp"
#include "crypto/trust_store.hpp"
#include "password_hash.hpp"

using namespace reload;
using namespace reload::enroll;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// One CA for every test case: making keys is the slow part.
const crypto::CertificateAuthority& test_ca() {
  static const auto ca = crypto::CertificateAuthority::create("test CA", crypto::KeyType::ecdsa_p256, 24h).value();
  return ca;
}

const crypto::PrivateKey& test_key() {
  static const auto key = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256).value();
  return key;
}

std::string csr_for(std::string_view name = "", const crypto::PrivateKey& key = test_key()) {
  auto der = crypto::make_certificate_request(key, name).value();
  return std::string(der.begin(), der.end());
}

struct Rig {
  fs::path dir = fs::temp_directory_path() / ("reload-enroll-service-test-" + std::to_string(::getpid()));
  std::unique_ptr<EnrollmentService> service;
  std::vector<std::string> log;

  Rig() {
    fs::remove_all(dir);
    fs::create_directories(dir);
    test::must(UserDb::add(dir / "users", "alice", "secret", std::string("alice@example.org"), min_iterations));
    test::must(UserDb::add(dir / "users", "bob@other.example", "pw", std::nullopt, min_iterations));
    restart();
  }
  // A server started again on the same files.
  void restart() {
    service.reset();
    service = std::make_unique<EnrollmentService>(
        ServiceSettings{"overlay.test", 4, 24h}, "<overlay/>", test_ca(), test::must(UserFile::open(dir / "users")),
        test::must(NodeIdRegistry::load(dir / "issued", 16)), [this](const std::string& l) { log.push_back(l); });
  }
  ~Rig() { fs::remove_all(dir); }

  HttpResponse post(const std::string& user, const std::string& password, const std::string& csr,
                    std::optional<std::string> nodeids = std::nullopt, std::string csr_type = "application/pkcs10",
                    std::string accept = "application/pkix-cert") {
    std::vector<config::FormPart> parts{{"username", {}, {}, user}, {"password", {}, {}, password},
                                        {"csr", csr_type, std::string("c.der"), csr}};
    if (nodeids) parts.push_back({"nodeids", {}, {}, *nodeids});
    auto form = config::encode_form(parts, config::random_boundary()).value();
    return service->handle({"POST", "/enroll", form.content_type, accept, form.body});
  }
};

crypto::Certificate certificate_of(const HttpResponse& r) {
  REQUIRE(r.status == 200);
  CHECK(r.content_type == "application/pkix-cert");
  return crypto::Certificate::from_der(wire::as_bytes(r.body)).value();
}

}  // namespace

TEST_CASE("an enrolled certificate: chain, empty subject, Node-IDs, user name, XMPP address, the request's key") {
  Rig rig;
  auto cert = certificate_of(rig.post("alice", "secret", csr_for("alice"), "2"));
  crypto::TrustPolicy p;
  p.overlay = "overlay.test";
  p.roots = {test_ca().certificate()};
  CHECK_FALSE(crypto::TrustStore(p).verify(cert));
  CHECK(cert.subject().empty());
  CHECK_FALSE(cert.is_ca());
  CHECK(wire::equal_bytes(cert.public_key_der(), test_key().public_key_der()));
  auto ids = cert.node_ids("overlay.test");
  REQUIRE(ids.size() == 2);
  CHECK(ids[0] != ids[1]);
  CHECK(ids[0].size() == 16);
  CHECK(cert.reload_uris().size() == 2);  // nothing for other overlays
  CHECK(cert.user_names() == std::vector<std::string>{"alice@overlay.test"});
  CHECK(cert.xmpp_addresses() == std::vector<std::string>{"alice@example.org"});
  // The CSR may ask for the username or the rfc822 name, or nothing.
  CHECK(rig.post("alice", "secret", csr_for("alice@overlay.test")).status == 200);
  CHECK(rig.post("alice", "secret", csr_for()).status == 200);

  // A user whose name holds an '@' keeps it; no xmppAddr for a user without one.
  auto bob = certificate_of(rig.post("bob@other.example", "pw", csr_for("bob@other.example")));
  CHECK(bob.user_names() == std::vector<std::string>{"bob@other.example"});
  CHECK(bob.xmpp_addresses().empty());
  CHECK(rig.service->user_name_of("bob@other.example") == "bob@other.example");
  CHECK(rig.service->user_name_of("carol") == "carol@overlay.test");
}

TEST_CASE("a CSR in PEM is accepted too") {
  Rig rig;
  auto der = csr_for("alice");
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  X509_REQ* req = d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size()));
  REQUIRE(req);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509_REQ(bio, req);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  X509_REQ_free(req);
  CHECK(certificate_of(rig.post("alice", "secret", pem)).node_ids("overlay.test").size() == 1);
}

TEST_CASE("a returning user gets the same Node-IDs, also after a restart; others never get them") {
  Rig rig;
  auto first = certificate_of(rig.post("alice", "secret", csr_for(), "2")).node_ids("overlay.test");
  auto one = certificate_of(rig.post("alice", "secret", csr_for())).node_ids("overlay.test");
  CHECK(one == std::vector<wire::NodeId>{first[0]});
  rig.restart();  // a restarted server reads the registry again
  auto again = certificate_of(rig.post("alice", "secret", csr_for(), "2")).node_ids("overlay.test");
  CHECK(again == first);
  auto three = certificate_of(rig.post("alice", "secret", csr_for(), "3")).node_ids("overlay.test");
  REQUIRE(three.size() == 3);
  CHECK(std::vector<wire::NodeId>(three.begin(), three.begin() + 2) == first);

  auto bob = certificate_of(rig.post("bob@other.example", "pw", csr_for(), "4")).node_ids("overlay.test");
  std::set<wire::NodeId> all(three.begin(), three.end());
  for (const auto& id : bob) CHECK(all.insert(id).second);
}

TEST_CASE("each refusal has its RFC token, and the server goes on") {
  Rig rig;
  auto token = [](const HttpResponse& r) {
    CHECK(r.status == 403);
    CHECK(r.content_type == "text/plain");
    return r.body;
  };
  namespace proto = config::enrollment;
  CHECK(token(rig.post("alice", "wrong", csr_for())) == proto::failed_authentication);
  CHECK(token(rig.post("alice", "", csr_for())) == proto::failed_authentication);
  CHECK(token(rig.post("nobody", "secret", csr_for())) == proto::failed_authentication);
  CHECK(token(rig.post("", "secret", csr_for())) == proto::failed_authentication);
  CHECK(token(rig.post("Alice", "secret", csr_for())) == proto::failed_authentication);
  // Authentication comes first: a stranger with a bad CSR learns nothing else.
  CHECK(token(rig.post("nobody", "x", "garbage", "99")) == proto::failed_authentication);

  CHECK(token(rig.post("alice", "secret", csr_for(), "5")) == proto::node_ids_not_available);
  CHECK(token(rig.post("alice", "secret", csr_for(), "0")) == proto::node_ids_not_available);
  CHECK(token(rig.post("alice", "secret", csr_for(), "two")) == proto::node_ids_not_available);
  CHECK(token(rig.post("alice", "secret", csr_for(), "-1")) == proto::node_ids_not_available);
  CHECK(token(rig.post("alice", "secret", csr_for(), " 1")) == proto::node_ids_not_available);
  CHECK(token(rig.post("alice", "secret", csr_for(), "")) == proto::node_ids_not_available);
  CHECK(token(rig.post("alice", "secret", csr_for(), "99999999999999999999999")) == proto::node_ids_not_available);

  CHECK(token(rig.post("alice", "secret", "garbage")) == proto::bad_csr);
  CHECK(token(rig.post("alice", "secret", "")) == proto::bad_csr);
  auto truncated = csr_for();
  truncated.pop_back();
  CHECK(token(rig.post("alice", "secret", truncated)) == proto::bad_csr);
  auto tampered = csr_for("alice");
  tampered[tampered.size() / 2] ^= 0x01;  // the self-signature no longer verifies
  CHECK(token(rig.post("alice", "secret", tampered)) == proto::bad_csr);
  CHECK(token(rig.post("alice", "secret", csr_for(), std::nullopt, "application/octet-stream")) == proto::bad_csr);
  CHECK(token(rig.post("alice", "secret", csr_for(), std::nullopt, "")) == proto::bad_csr);

  CHECK(token(rig.post("alice", "secret", csr_for("bob"))) == proto::username_not_available);
  CHECK(token(rig.post("alice", "secret", csr_for("alice@elsewhere.test"))) == proto::username_not_available);
  CHECK(token(rig.post("alice", "secret", csr_for("alice@example.org"))) == proto::username_not_available);

  // Nothing was issued for any of those, and the service still works.
  CHECK(rig.post("alice", "secret", csr_for()).status == 200);
}

TEST_CASE("the users file is read again when it changes") {
  Rig rig;
  CHECK(rig.post("carol", "pw", csr_for()).body == "failed_authentication");
  test::must(UserDb::add(rig.dir / "users", "carol", "pw", std::nullopt, min_iterations));
  CHECK(rig.post("carol", "pw", csr_for()).status == 200);
}

TEST_CASE("Accept must list application/pkix-cert") {
  CHECK(accept_lists("application/pkix-cert", "application/pkix-cert"));
  CHECK(accept_lists("text/html, Application/PKIX-Cert;q=0.5", "application/pkix-cert"));
  CHECK(accept_lists("application/pkix-cert ; q=1", "application/pkix-cert"));
  CHECK_FALSE(accept_lists("", "application/pkix-cert"));
  CHECK_FALSE(accept_lists("*/*", "application/pkix-cert"));
  CHECK_FALSE(accept_lists("application/*", "application/pkix-cert"));
  CHECK_FALSE(accept_lists("application/pkix-cert;q=0", "application/pkix-cert"));
  CHECK_FALSE(accept_lists("application/pkix-cert; q=0.000", "application/pkix-cert"));
  CHECK_FALSE(accept_lists("application/pkix-certs", "application/pkix-cert"));

  Rig rig;
  CHECK(rig.post("alice", "secret", csr_for(), std::nullopt, "application/pkcs10", "*/*").status == 406);
  CHECK(rig.post("alice", "secret", csr_for(), std::nullopt, "application/pkcs10", "").status == 406);
  CHECK(rig.post("alice", "secret", csr_for(), std::nullopt, "application/pkcs10", "text/html, application/pkix-cert")
            .status == 200);
}

TEST_CASE("other requests: the document, wrong methods and paths, bad forms") {
  Rig rig;
  auto& s = *rig.service;
  auto doc = s.handle({"GET", "/.well-known/reload-config", "", "", ""});
  CHECK(doc.status == 200);
  CHECK(doc.content_type == "application/p2p-overlay+xml");
  CHECK(doc.body == "<overlay/>");
  CHECK(s.handle({"GET", "/.well-known/reload-config?x=1", "", "", ""}).status == 200);
  auto wrong = s.handle({"POST", "/.well-known/reload-config", "", "", ""});
  CHECK(wrong.status == 405);
  CHECK(wrong.allow == "GET, HEAD");
  CHECK(s.handle({"GET", "/enroll", "", "", ""}).status == 405);
  CHECK(s.handle({"PUT", "/", "", "", ""}).allow == "POST");
  CHECK(s.handle({"GET", "/nothing", "", "", ""}).status == 404);
  CHECK(s.handle({"GET", "/.well-known/reload-config/", "", "", ""}).status == 404);

  const std::string pkix = "application/pkix-cert";
  auto bad = [&](std::string type, std::string body) {
    auto r = s.handle({"POST", "/", type, pkix, body});
    CHECK(r.status == 400);
    CHECK(r.content_type == "text/plain");
    return r.body;
  };
  CHECK(bad("text/plain", "x") == "bad form: not multipart/form-data\n");
  CHECK(bad("multipart/form-data; boundary=q", "--q\r\n") == "bad form: part headers do not end\n");
  auto form = [](std::vector<config::FormPart> parts) { return config::encode_form(parts, "q").value().body; };
  const std::string q = "multipart/form-data; boundary=q";
  CHECK(bad(q, form({{"password", {}, {}, "secret"}, {"csr", "application/pkcs10", {}, "x"}})) ==
        "missing field 'username'\n");
  CHECK(bad(q, form({{"username", {}, {}, "alice"}, {"csr", "application/pkcs10", {}, "x"}})) ==
        "missing field 'password'\n");
  CHECK(bad(q, form({{"username", {}, {}, "alice"}, {"password", {}, {}, "secret"}})) == "missing field 'csr'\n");
  CHECK(bad(q, form({{"username", {}, {}, "alice"}, {"username", {}, {}, "bob"}})) ==
        "bad form: field 'username' given twice\n");
  CHECK(bad(q, std::string(70 * 1024, 'x')) == "bad form: form too large\n");
}
