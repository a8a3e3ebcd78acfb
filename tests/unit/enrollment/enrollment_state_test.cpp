#include "config/enrollment_state.hpp"

#include <sys/stat.h>

#include "enrollment_fixture.hpp"

using namespace reload;
using namespace reload::config;
namespace fs = std::filesystem;

TEST_CASE("a state directory is written (key 0600, directory 0700) and read back") {
  test::TempDir t("reload-state-test");
  test::SignedOverlay overlay(t.dir);
  auto key = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256).value();
  auto cert = overlay.issue(key, "alice@xmpp.reload.test", 2);
  auto dir = t.dir / "state" / "alice";
  CHECK_FALSE(has_node_state(dir));
  REQUIRE(save_node_state(dir, overlay.document, key, cert).has_value());
  CHECK(has_node_state(dir));
  struct stat st {};
  REQUIRE(::stat((dir / state_key).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat(dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  CHECK(test::read_file(dir / state_document) == overlay.document);  // byte for byte

  auto back = test::must(load_node_state(dir));
  CHECK(back.certificate == cert);
  CHECK(wire::equal_bytes(back.key.public_key_der(), key.public_key_der()));
  CHECK(back.node_ids == cert.node_ids(test::overlay_name));
  CHECK(back.configuration.config.instance_name == test::overlay_name);
  CHECK_FALSE(back.enrolled_now);
}

TEST_CASE("a state directory that does not hold together is refused, saying why") {
  test::TempDir t("reload-state-bad-test");
  test::SignedOverlay overlay(t.dir);
  auto key = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256).value();
  auto other = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256).value();
  auto cert = overlay.issue(key, "alice@xmpp.reload.test");
  auto error = [&](const std::string& document, const crypto::PrivateKey& k, const crypto::Certificate& c) {
    auto dir = t.dir / "s";
    fs::remove_all(dir);
    REQUIRE(save_node_state(dir, document, k, c).has_value());
    auto r = load_node_state(dir);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().starts_with("state directory " + dir.string() + ": "));
    return r.error();
  };
  CHECK(error(overlay.document, other, cert).find("node.key is not the certificate of node.crt") != std::string::npos);
  // A certificate from another CA.
  test::TempDir t2("reload-state-bad-test-2");
  test::SignedOverlay stranger(t2.dir);
  CHECK(error(overlay.document, key, stranger.issue(key, "alice@xmpp.reload.test")).find("is not valid in") !=
        std::string::npos);
  // A document changed after signing.
  std::string tampered = overlay.document;
  tampered.replace(tampered.find("<max-message-size>40000"), 23, "<max-message-size>40001");
  CHECK_FALSE(error(tampered, key, cert).empty());
  // A missing file: no state at all.
  fs::remove(t.dir / "s" / state_document);
  CHECK_FALSE(has_node_state(t.dir / "s"));
}
