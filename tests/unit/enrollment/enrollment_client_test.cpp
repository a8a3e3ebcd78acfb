// The enrollment client without a server: what it does with a state directory, and how it
// refuses bad input before any network exchange. The exchange itself is
// tests/integration/enrollment_test.py (curl, openssl and the client against the server).
#include "config/enrollment_client.hpp"

#include "enrollment_fixture.hpp"

using namespace reload;
using namespace reload::config;
namespace fs = std::filesystem;

namespace {
EnrollmentRequest request(const fs::path& state, std::string user = "alice") {
  EnrollmentRequest r;
  r.config_url = "https://127.0.0.1:1/.well-known/reload-config";  // nothing listens there
  r.username = std::move(user);
  r.password = "secret";
  r.state_dir = state;
  r.timeout = std::chrono::seconds(2);
  r.retry.sleep = [](std::chrono::milliseconds) {};  // a refused connection is retried: not slept through
  return r;
}
}  // namespace

TEST_CASE("a valid state directory is used without contacting any server") {
  test::TempDir t("reload-client-test");
  test::SignedOverlay overlay(t.dir);
  auto key = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256).value();
  auto cert = overlay.issue(key, "alice@xmpp.reload.test", 1, std::string("alice@example.org"));
  auto dir = t.dir / "state";
  REQUIRE(save_node_state(dir, overlay.document, key, cert).has_value());

  auto st = test::must(config::enroll(request(dir)));
  CHECK_FALSE(st.enrolled_now);
  CHECK(st.certificate == cert);
  CHECK(st.node_ids == cert.node_ids(test::overlay_name));

  auto with_expectations = request(dir);
  with_expectations.overlay = test::overlay_name;
  with_expectations.expected_xmpp_address = "alice@example.org";
  CHECK(config::enroll(with_expectations).has_value());

  // Someone else's identity, or another overlay's, is not taken for ours.
  auto bob = config::enroll(request(dir, "bob"));
  REQUIRE_FALSE(bob.has_value());
  CHECK(bob.error() == "state directory " + dir.string() +
                           ": its certificate is not the user's: its user name alice@xmpp.reload.test is not bob@...");
  auto other_overlay = request(dir);
  other_overlay.overlay = "other.test";
  CHECK(config::enroll(other_overlay).error().find("it is for overlay xmpp.reload.test, not other.test") != std::string::npos);
  auto other_jid = request(dir);
  other_jid.expected_xmpp_address = "alice@elsewhere.org";
  CHECK(config::enroll(other_jid).error().find("does not carry the XMPP address alice@elsewhere.org") != std::string::npos);
  auto exact = request(dir);
  exact.expected_user_name = "alice@example.org";
  CHECK(config::enroll(exact).error().find("is not alice@example.org") != std::string::npos);
}

TEST_CASE("errors name the step") {
  test::TempDir t("reload-client-errors-test");
  auto r = request(t.dir / "state");
  CHECK(config::enroll(r).error().starts_with("fetching the configuration: https://127.0.0.1:1/.well-known/reload-config: "));
  CHECK(config::enroll(r).error().find("Connection refused; gave up after 4 attempts in ") != std::string::npos);

  r.config_url = "http://example.org/.well-known/reload-config";
  CHECK(config::enroll(r).error() ==
        "fetching the configuration: http://example.org/.well-known/reload-config: only https:// URLs or file paths");
  r.config_url = "https://user@host/";
  CHECK(config::enroll(r).error() == "fetching the configuration: https://user@host/ is not a usable https:// URL");
  r.config_url = (t.dir / "missing.xml").string();
  CHECK(config::enroll(r).error() == "fetching the configuration: " + r.config_url + " cannot be read");

  // A local template without root-cert: nothing to check a certificate against.
  r.config_url = std::string(OVERLAY_CONFIG_DIR) + "/local-xmpp.xml";
  CHECK(config::enroll(r).error() ==
        "verifying the configuration: overlay xmpp.reload.test has no root-cert to check a certificate against");
  r.config_url = std::string(OVERLAY_CONFIG_DIR) + "/self-signed.xml";
  CHECK(config::enroll(r).error() == "verifying the configuration: overlay selfsigned.reload.test names no enrollment-server");

  // A signed document for another overlay than the one asked for.
  test::SignedOverlay overlay(t.dir);
  std::ofstream(t.dir / "signed.xml") << overlay.document;
  r.config_url = (t.dir / "signed.xml").string();
  r.overlay = "other.test";
  CHECK(config::enroll(r).error().starts_with("verifying the configuration: "));
  // The right overlay: the document passes, and enrolling fails at the (absent) server.
  r.overlay = test::overlay_name;
  CHECK(config::enroll(r).error().starts_with("enrolling: https://127.0.0.1:1/enroll: "));
  r.node_ids = 0;
  CHECK(config::enroll(r).error() == "enrolling: asking for no Node-ID");
  // A CA file that is not one.
  r.node_ids = 1;
  r.ca_file = t.dir / "signed.xml";
  CHECK(config::enroll(r).error().starts_with("fetching the configuration: " + (t.dir / "signed.xml").string() +
                                      ": not a PEM CA file"));
  CHECK_FALSE(has_node_state(t.dir / "state"));
}
