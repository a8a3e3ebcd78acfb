#include "config/signature_check.hpp"

#include <string>

#include <doctest/doctest.h>

#include "config/document_signer.hpp"
#include "config/lexical.hpp"
#include "config/selection.hpp"
#include "config_test_support.hpp"

using namespace reload;
using namespace reload::config;

namespace {

constexpr std::string_view overlay = "xmpp.reload.test";

// One CA and two keys it issued, shared by the cases (key generation is the slow part).
struct Fixture {
  crypto::CertificateAuthority ca = test::make_ca("xmpp.reload.test CA");
  crypto::CertificateAuthority other_ca = test::make_ca("another CA");
  wire::NodeId id_a = test::node_id_of(0xa1);
  wire::NodeId id_b = test::node_id_of(0xb2);
  SigningKey a = test::make_signing_key(ca, overlay, id_a);
  SigningKey b = test::make_signing_key(ca, overlay, id_b);
  std::string tpl = test::read_text(test::example_path("local-xmpp.xml"));

  std::string sign(const std::string& text, const SigningKey& k) {
    std::vector<crypto::Certificate> roots{ca.certificate()};
    return sign_overlay_document(text, "local-xmpp.xml", k, roots).value();
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

SignedConfiguration first(const std::string& text) {
  auto doc = parse_overlay_document(text, "signed.xml");
  REQUIRE(doc.has_value());
  return doc->configurations.at(0);
}

wire::Buffer block(const SigningKey& k, std::string_view bytes) {
  return make_signature_block(k, wire::as_bytes(bytes)).value();
}

std::string replace_once(std::string s, std::string_view from, std::string_view to) {
  auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

void check_refused(const boost::system::result<void, ConfigError>& r, ConfigErrc code,
                   std::string_view reason_part = "") {
  REQUIRE_FALSE(r);
  INFO(r.error().to_string());
  CHECK(r.error().code == code);
  CHECK(r.error().reason.find(reason_part) != std::string::npos);
}

}  // namespace

TEST_CASE("a document signed by its configuration-signer and kind-signer is accepted") {
  auto& f = fixture();
  auto sc = first(f.sign(f.tpl, f.a));
  CHECK(sc.config.is_configuration_signer(f.id_a));
  CHECK(sc.config.is_kind_signer(f.id_a));
  CHECK(verify_signed_configuration(sc));
}

TEST_CASE("one changed byte inside <configuration> breaks its signature") {
  auto& f = fixture();
  auto text = f.sign(f.tpl, f.a);
  auto ttl = replace_once(text, "<initial-ttl>100<", "<initial-ttl>101<");
  auto sc = first(ttl);
  CHECK(sc.config.initial_ttl == 101);
  check_refused(verify_configuration_signature(sc), ConfigErrc::bad_signature, "does not verify");
  CHECK(verify_configuration_signature(sc).error().element == "signature");

  // Whitespace counts too: the configuration is a binary blob (section 11.1).
  auto space = replace_once(text, "<no-ice>true</no-ice>", "<no-ice> true</no-ice>");
  check_refused(verify_configuration_signature(first(space)), ConfigErrc::bad_signature);
}

TEST_CASE("a signer whose Node-ID is not a configuration-signer is refused") {
  auto& f = fixture();
  auto sc = first(f.sign(f.tpl, f.a));
  sc.signatures[0].security_block = block(f.b, sc.text);  // valid signature, wrong signer
  check_refused(verify_configuration_signature(sc), ConfigErrc::not_a_signer,
                "signed by Node-ID " + f.id_b.hex() + ", which is not a configuration-signer");
}

TEST_CASE("a signer from another CA is refused, even with a listed Node-ID") {
  auto& f = fixture();
  auto sc = first(f.sign(f.tpl, f.a));
  auto impostor = test::make_signing_key(f.other_ca, overlay, f.id_a);
  sc.signatures[0].security_block = block(impostor, sc.text);
  check_refused(verify_configuration_signature(sc), ConfigErrc::untrusted_signer, "not trusted");
}

TEST_CASE("a tampered Kind fails its kind-signature, even under a fresh configuration signature") {
  auto& f = fixture();
  auto text = f.sign(f.tpl, f.a);
  auto tampered = replace_once(text, "<max-size>1024</max-size>", "<max-size>9999</max-size>");
  auto sc = first(tampered);
  sc.signatures[0].security_block = block(f.a, sc.text);
  CHECK(verify_configuration_signature(sc));
  auto r = verify_kind_signatures(sc);
  check_refused(r, ConfigErrc::bad_signature, "kind-signature of Kind 5");
  CHECK(r.error().element == "kind");
  CHECK(r.error().line == sc.config.find_kind(5)->line);
  check_refused(verify_signed_configuration(sc), ConfigErrc::bad_signature);
}

TEST_CASE("a kind-signature by someone who is not a kind-signer is refused") {
  auto& f = fixture();
  auto sc = first(f.sign(f.tpl, f.a));
  auto& k = sc.config.kinds.at(1);
  k.signature = block(f.b, k.signed_text);
  check_refused(verify_kind_signatures(sc), ConfigErrc::not_a_signer, "not a kind-signer");
  k.signature.clear();
  check_refused(verify_kind_signatures(sc), ConfigErrc::unsigned_document, "no <kind-signature>");
}

TEST_CASE("an update must be signed by a configuration-signer of the configuration in force") {
  auto& f = fixture();
  auto current = first(f.sign(f.tpl, f.a));
  auto next_tpl = replace_once(f.tpl, "sequence=\"1\"", "sequence=\"2\"");
  VerifyOptions o;
  o.previous = &current.config;

  // B lists itself as signer in the new document: not enough, A's configuration decides.
  auto by_b = first(f.sign(next_tpl, f.b));
  CHECK(verify_configuration_signature(by_b));  // first start: self-vouching
  check_refused(verify_configuration_signature(by_b, o), ConfigErrc::not_a_signer,
                "configuration in force");
  CHECK(verify_configuration_signature(first(f.sign(next_tpl, f.a)), o));

  // Through selection.
  auto doc = parse_overlay_document(f.sign(next_tpl, f.b), "next.xml").value();
  SelectOptions s;
  s.current = &current;
  auto r = select_configuration(doc, overlay, s);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ConfigErrc::not_a_signer);
}

TEST_CASE("a signer listed as bad-node is refused") {
  auto& f = fixture();
  auto tpl = replace_once(f.tpl, "<no-ice>", "<bad-node>" + f.id_a.hex() + "</bad-node>\n    <no-ice>");
  check_refused(verify_configuration_signature(first(f.sign(tpl, f.a))), ConfigErrc::untrusted_signer,
                "bad-node");
}

TEST_CASE("a signer certificate that has expired is refused") {
  auto& f = fixture();
  auto sc = first(f.sign(f.tpl, f.a));
  VerifyOptions o;
  o.now = Configuration::Clock::now() + std::chrono::hours(2);  // the key is valid for 1 hour
  check_refused(verify_configuration_signature(sc, o), ConfigErrc::untrusted_signer);
}

TEST_CASE("garbage, unsigned and no configuration-signer") {
  auto& f = fixture();
  auto sc = first(f.sign(f.tpl, f.a));
  auto good = sc.signatures[0];

  sc.signatures[0].security_block = decode_base64("VGhpcyBpcyBub3QgcmlnaHQhCg==").value();
  check_refused(verify_configuration_signature(sc), ConfigErrc::bad_signature, "not a SecurityBlock");
  // Another <signature> that verifies is enough.
  sc.signatures.push_back(good);
  CHECK(verify_configuration_signature(sc));

  sc.signatures.clear();
  check_refused(verify_configuration_signature(sc), ConfigErrc::unsigned_document);

  auto tpl_sc = first(f.tpl);
  tpl_sc.signatures.push_back(good);
  check_refused(verify_configuration_signature(tpl_sc), ConfigErrc::not_a_signer,
                "names no configuration-signer");
}

TEST_CASE("a self-signed overlay: the signer is known by the digest of its key") {
  auto tpl = test::read_text(test::example_path("self-signed.xml"));
  auto publisher = test::make_self_signed_key("selfsigned.reload.test");
  auto text = sign_overlay_document(tpl, "self-signed.xml", publisher, {}).value();
  auto sc = first(text);
  CHECK(sc.config.root_certs.empty());
  CHECK(verify_signed_configuration(sc));

  auto stranger = test::make_self_signed_key("selfsigned.reload.test");
  sc.signatures[0].security_block = block(stranger, sc.text);
  check_refused(verify_configuration_signature(sc), ConfigErrc::not_a_signer);
}
