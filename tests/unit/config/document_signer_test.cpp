#include "config/document_signer.hpp"

#include <sstream>
#include <string>

#include <doctest/doctest.h>

#include "config/selection.hpp"
#include "config/signature_check.hpp"
#include "config_test_support.hpp"

using namespace reload;
using namespace reload::config;

namespace {

struct Fixture {
  crypto::CertificateAuthority ca = test::make_ca("xmpp.reload.test CA");
  wire::NodeId id = test::node_id_of(0x5a);
  SigningKey signer = test::make_signing_key(ca, "xmpp.reload.test", id);
  std::vector<crypto::Certificate> roots{ca.certificate()};
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

std::size_t count(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Every line of the template is in the signed document, in order: only insertions happened.
bool only_inserted(std::string_view tpl, std::string_view out) {
  std::istringstream lines{std::string(tpl)};
  std::size_t pos = 0;
  for (std::string line; std::getline(lines, line);) {
    auto at = out.find(line, pos);
    if (at == std::string_view::npos) return false;
    pos = at + line.size();
  }
  return true;
}

}  // namespace

TEST_CASE("overlay-config/local-xmpp.xml, signed, is accepted with what it says") {
  auto& f = fixture();
  auto tpl = test::read_text(test::example_path("local-xmpp.xml"));
  auto text = sign_overlay_document(tpl, "local-xmpp.xml", f.signer, f.roots).value();
  CHECK(only_inserted(tpl, text));
  CHECK(count(text, "<root-cert>") == 1);
  CHECK(count(text, "<configuration-signer>" + f.id.hex() + "</configuration-signer>") == 1);
  CHECK(count(text, "<kind-signer>" + f.id.hex() + "</kind-signer>") == 1);
  CHECK(count(text, "<kind-signature>") == 3);
  CHECK(count(text, "<signature>") == 1);

  auto doc = parse_overlay_document(text, "local-xmpp.xml").value();
  CHECK(doc.warnings.empty());  // also: every Kind fits in max-message-size
  auto sc = select_configuration(doc, "xmpp.reload.test").value();
  const auto& c = sc.config;
  CHECK(c.sequence == 1);
  CHECK(c.node_id_length == 16);
  CHECK(c.no_ice);
  CHECK(c.enrollment_servers == std::vector<std::string>{"https://127.0.0.1:8443/enroll"});
  CHECK(c.bootstrap_nodes == std::vector<BootstrapNode>{{"127.0.0.1", 6084}});
  REQUIRE(c.root_certs.size() == 1);
  CHECK(c.root_certs[0] == f.ca.certificate());
  CHECK(c.trust_policy().roots.size() == 1);

  const auto* xmpp = c.find_kind(wire::kinds::xmpp_location);
  REQUIRE(xmpp);
  CHECK(xmpp->name == "XMPP-LOCATION");
  CHECK(xmpp->data_model == wire::DataModel::dictionary);
  CHECK(xmpp->access_control == AccessControl::user_node_match);
  CHECK(xmpp->max_count == 16);
  CHECK(xmpp->max_size == 1024);
  CHECK(c.find_kind(wire::kinds::certificate_by_node)->access_control == AccessControl::node_match);
  CHECK(c.find_kind(wire::kinds::certificate_by_user)->data_model == wire::DataModel::array);
  CHECK(c.data_models().find(wire::kinds::xmpp_location) == wire::DataModel::dictionary);
}

TEST_CASE("overlay-config/self-signed.xml, signed by a self-signed publisher, is accepted") {
  auto tpl = test::read_text(test::example_path("self-signed.xml"));
  auto publisher = test::make_self_signed_key("selfsigned.reload.test");
  auto text = sign_overlay_document(tpl, "self-signed.xml", publisher, {}).value();
  CHECK(only_inserted(tpl, text));
  auto doc = parse_overlay_document(text, "self-signed.xml").value();
  CHECK(doc.warnings.empty());  // every Kind fits in max-message-size
  auto sc = select_configuration(doc, "selfsigned.reload.test").value();
  CHECK(sc.config.self_signed_permitted);
  CHECK(sc.config.self_signed_digest == wire::HashAlgorithm::sha1);
  CHECK(sc.config.enrollment_servers.empty());
  CHECK(sc.config.bootstrap_nodes.size() == 2);
  CHECK(sc.config.trust_policy().self_signed_permitted);
  CHECK(sc.config.max_message_size == 40000);
}

TEST_CASE("the templates themselves parse, unsigned") {
  for (auto name : {"local-xmpp.xml", "self-signed.xml"}) {
    CAPTURE(name);
    auto doc = read_overlay_document(test::example_path(name));
    REQUIRE(doc.has_value());
    CHECK(doc->configurations.size() == 1);
    CHECK(doc->configurations[0].signatures.empty());
    CHECK(doc->warnings.empty());
  }
}

TEST_CASE("every configuration of a document is signed; prefixes and empty elements work") {
  auto& f = fixture();
  std::string tpl =
      "<p:overlay xmlns:p=\"urn:ietf:params:xml:ns:p2p:config-base\">"
      "<p:configuration instance-name=\"xmpp.reload.test\" sequence=\"2\"/>"
      "<p:configuration instance-name=\"xmpp.reload.test\" sequence=\"3\">"
      "<p:required-kinds><p:kind-block><p:kind id=\"4000\"><p:data-model>ARRAY</p:data-model>"
      "<p:access-control>NODE-MATCH</p:access-control><p:max-count>1</p:max-count>"
      "<p:max-size>10</p:max-size></p:kind></p:kind-block></p:required-kinds>"
      "</p:configuration></p:overlay>";
  auto text = sign_overlay_document(tpl, "p.xml", f.signer, f.roots).value();
  CHECK(count(text, "<p:signature>") == 2);
  CHECK(count(text, "<p:kind-signature>") == 1);
  auto doc = parse_overlay_document(text, "p.xml").value();
  REQUIRE(doc.configurations.size() == 2);
  for (const auto& sc : doc.configurations) CHECK(verify_signed_configuration(sc));
  CHECK(select_configuration(doc, "xmpp.reload.test").value().config.sequence == 3);
}

TEST_CASE("root-certs and signers already in the template are kept, not repeated") {
  auto& f = fixture();
  auto tpl = test::read_text(test::example_path("local-xmpp.xml"));
  auto once = sign_overlay_document(tpl, "local-xmpp.xml", f.signer, f.roots).value();
  // Strip the signatures (what a refresh of the sequence would do) and sign again.
  auto strip = [](std::string s, std::string_view open, std::string_view close) {
    for (auto at = s.find(open); at != std::string::npos; at = s.find(open)) {
      auto end = s.find(close, at) + close.size();
      auto line_start = s.rfind('\n', at);
      s.erase(line_start, end - line_start);
    }
    return s;
  };
  auto again_tpl = strip(strip(once, "<kind-signature>", "</kind-signature>"), "<signature>", "</signature>");
  auto twice = sign_overlay_document(again_tpl, "local-xmpp.xml", f.signer, f.roots).value();
  CHECK(count(twice, "<root-cert>") == 1);
  CHECK(count(twice, "<configuration-signer>") == 1);
  // Only the signatures differ (ECDSA signatures are randomised).
  CHECK(strip(strip(twice, "<kind-signature>", "</kind-signature>"), "<signature>", "</signature>") ==
        again_tpl);
}

TEST_CASE("what the signer refuses") {
  auto& f = fixture();
  auto tpl = test::read_text(test::example_path("local-xmpp.xml"));
  auto text = sign_overlay_document(tpl, "local-xmpp.xml", f.signer, f.roots).value();

  auto signed_again = sign_overlay_document(text, "local-xmpp.xml", f.signer, f.roots);
  REQUIRE_FALSE(signed_again.has_value());
  CHECK(signed_again.error().code == ConfigErrc::bad_template);

  // A key that is not the certificate's.
  auto wrong = f.signer;
  wrong.key = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256).value();
  auto mismatch = sign_overlay_document(tpl, "local-xmpp.xml", wrong, f.roots);
  REQUIRE_FALSE(mismatch.has_value());
  CHECK(mismatch.error().code == ConfigErrc::signing_failed);

  // A 20-byte signer for a 16-byte overlay.
  auto long_id = test::node_id_of(0x77, 20);
  auto k20 = test::make_signing_key(f.ca, "xmpp.reload.test", long_id);
  auto len = sign_overlay_document(tpl, "local-xmpp.xml", k20, f.roots);
  REQUIRE_FALSE(len.has_value());
  CHECK(len.error().code == ConfigErrc::bad_template);
  CHECK(len.error().line == 12);

  // A template that does not parse is reported as the parser reports it.
  auto bad = sign_overlay_document("<overlay/>", "bad.xml", f.signer, f.roots);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == ConfigErrc::unknown_element);
}
