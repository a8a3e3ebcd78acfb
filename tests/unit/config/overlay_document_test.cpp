#include "config/overlay_document.hpp"

#include <string>

#include <doctest/doctest.h>

#include "config/lexical.hpp"
#include "config_test_support.hpp"

using namespace reload;
using namespace reload::config;
using namespace std::chrono;

namespace {

const std::string ext1 = "urn:ietf:params:xml:ns:p2p:config-ext1";

ParseOptions rfc_options() {
  ParseOptions o;
  o.supported_extensions = {ext1};
  o.tolerate_placeholders = true;
  return o;
}

// A document whose <configuration> (line 5) holds `body`, which starts on line 6.
std::string doc_with(std::string_view body,
                     std::string_view attrs = "instance-name=\"t.test\" sequence=\"1\"") {
  return std::string(
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<overlay xmlns=\"urn:ietf:params:xml:ns:p2p:config-base\"\n"
             "         xmlns:chord=\"urn:ietf:params:xml:ns:p2p:config-chord\"\n"
             "         xmlns:ext=\"urn:example:ext\">\n"
             "  <configuration ") +
         std::string(attrs) + ">\n" + std::string(body) + "  </configuration>\n</overlay>\n";
}

// A kind-block with the given <kind> attributes and parameters (the <kind> is on the line
// after the block's).
std::string kind_block(std::string_view attrs, std::string_view params) {
  return "    <required-kinds><kind-block>\n      <kind " + std::string(attrs) + ">" +
         std::string(params) + "</kind>\n    </kind-block></required-kinds>\n";
}

const char* xmpp_params =
    "<data-model>DICTIONARY</data-model><access-control>USER-NODE-MATCH</access-control>"
    "<max-count>16</max-count><max-size>1024</max-size>";

ConfigError error_of(const std::string& doc, const ParseOptions& o = {}) {
  auto r = parse_overlay_document(doc, "t.xml", o);
  REQUIRE_FALSE(r.has_value());
  return r.error();
}

void check_error(const std::string& doc, ConfigErrc code, unsigned line, std::string_view element,
                 std::string_view reason_part = "", const ParseOptions& o = {}) {
  auto e = error_of(doc, o);
  INFO(e.to_string());
  CHECK(e.code == code);
  CHECK(e.file == "t.xml");
  CHECK(e.line == line);
  CHECK(e.element == element);
  CHECK(e.reason.find(reason_part) != std::string::npos);
}

}  // namespace

TEST_CASE("the RFC's example document, field by field") {
  auto text = test::read_text(test::rfc_example_path());
  auto doc = parse_overlay_document(text, "rfc6940-example.xml", rfc_options()).value();
  REQUIRE(doc.configurations.size() == 2);

  const auto& sc = doc.configurations[0];
  const auto& c = sc.config;
  CHECK(sc.line == 5);
  CHECK(sc.source_name == "rfc6940-example.xml");
  CHECK(sc.text.rfind("<configuration instance-name=\"overlay.example.org\"", 0) == 0);
  CHECK(sc.text.size() >= 16);
  CHECK(sc.text.substr(sc.text.size() - 16) == "</configuration>");
  CHECK(text.substr(sc.offset, sc.text.size()) == sc.text);

  CHECK(c.instance_name == "overlay.example.org");
  CHECK(c.sequence == 22);
  CHECK(c.expiration == sys_days(year{2002} / 10 / 10) + hours(7));
  CHECK(c.topology_plugin == "CHORD-RELOAD");  // written " CHORD-RELOAD "
  CHECK(c.node_id_length == 16);
  REQUIRE(c.root_certs.size() == 1);  // the second is "bad cert\n": see below
  CHECK(c.root_certs[0].subject().find("Sipit Test Certificate Authority") != std::string::npos);
  CHECK(c.enrollment_servers == std::vector<std::string>{"https://example.org", "https://example.net"});
  CHECK_FALSE(c.self_signed_permitted);
  CHECK(c.self_signed_digest == wire::HashAlgorithm::sha1);
  CHECK(c.bootstrap_nodes == std::vector<BootstrapNode>{{"192.0.0.1", 6084},
                                                        {"192.0.2.2", 6084},
                                                        {"2001:DB8::1", 6084}});
  CHECK(c.turn_density == 20);
  CHECK_FALSE(c.clients_permitted);
  CHECK_FALSE(c.no_ice);
  CHECK(c.chord_update_interval == seconds(400));
  CHECK(c.chord_ping_interval == seconds(30));
  CHECK(c.chord_reactive);
  CHECK(c.shared_secret == "password");
  CHECK(c.max_message_size == 4000);
  CHECK(c.initial_ttl == 30);
  CHECK(c.overlay_reliability_timer == milliseconds(3000));
  CHECK(c.overlay_link_protocols == std::vector<std::string>{"TLS"});
  CHECK(c.mandatory_extensions == std::vector<std::string>{ext1});
  // Its Node-IDs are 8 bytes in a 16-byte overlay: placeholders, left out with warnings.
  CHECK(c.configuration_signers.empty());
  CHECK(c.kind_signers.empty());
  CHECK(c.bad_nodes.empty());

  REQUIRE(c.kinds.size() == 2);
  const auto& sip = c.kinds[0];
  CHECK(sip.id == 1);
  CHECK(sip.name == "SIP-REGISTRATION");
  // The document says SINGLE/USER-MATCH; the registration wins (section 11.1).
  CHECK(sip.data_model == wire::DataModel::dictionary);
  CHECK(sip.access_control == AccessControl::user_node_match);
  CHECK(sip.max_count == 1);
  CHECK(sip.max_size == 100);
  CHECK(sip.line == 63);
  CHECK(sip.signed_text.rfind("<kind name=\"SIP-REGISTRATION\">", 0) == 0);
  CHECK(sip.signed_text.substr(sip.signed_text.size() - 7) == "</kind>");
  CHECK(std::string(sip.signature.begin(), sip.signature.end()) == "This is not right!\n");
  const auto& priv = c.kinds[1];
  CHECK(priv.id == 2000);
  CHECK(priv.name.empty());
  CHECK(priv.data_model == wire::DataModel::array);
  CHECK(priv.access_control == AccessControl::node_multiple);
  CHECK(priv.max_node_multiple == 3);
  CHECK(priv.max_count == 22);
  CHECK(priv.max_size == 4);
  CHECK(priv.signed_text.find("ext:example-kind-extension") != std::string::npos);

  REQUIRE(sc.signatures.size() == 1);
  CHECK(sc.signatures[0].line == 90);
  CHECK(std::string(sc.signatures[0].security_block.begin(), sc.signatures[0].security_block.end()) ==
        "This is not right!\n");

  const auto& other = doc.configurations[1];
  CHECK(other.config.instance_name == "other.example.net");
  CHECK_FALSE(other.config.sequence);
  CHECK_FALSE(other.config.expiration);
  CHECK(other.config.max_message_size == 5000);
  CHECK(other.text == "<configuration instance-name=\"other.example.net\">\n   </configuration>");
  CHECK(other.signatures.size() == 1);

  // The warnings say what was left out or overridden, with lines.
  std::vector<unsigned> lines;
  for (const auto& w : doc.warnings) lines.push_back(w.line);
  CHECK(lines == std::vector<unsigned>{29, 63, 49, 50, 51, 52, 53});
  CHECK(doc.warnings[0].code == ConfigErrc::bad_certificate);
  CHECK(doc.warnings[0].element == "root-cert");
  CHECK(doc.warnings[1].reason.find("using its registration") != std::string::npos);
}

TEST_CASE("the RFC's example, read by a joining node, is refused at its bogus root-cert") {
  auto text = test::read_text(test::rfc_example_path());
  ParseOptions o;
  o.supported_extensions = {ext1};
  auto r = parse_overlay_document(text, "rfc6940-example.xml", o);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ConfigErrc::bad_certificate);
  CHECK(r.error().line == 29);
  CHECK(r.error().element == "root-cert");
  CHECK(r.error().to_string().rfind(
            "rfc6940-example.xml:29: <root-cert>: not a DER X.509 certificate", 0) == 0);

  // And a node that does not support config-ext1 must not join it.
  ParseOptions no_ext;
  no_ext.tolerate_placeholders = true;
  auto ext = parse_overlay_document(text, "rfc6940-example.xml", no_ext);
  REQUIRE_FALSE(ext.has_value());
  CHECK(ext.error().code == ConfigErrc::unknown_extension);
  CHECK(ext.error().line == 57);
  CHECK(ext.error().element == "mandatory-extension");
}

TEST_CASE("a minimal document takes every default") {
  auto doc = parse_overlay_document(doc_with(""), "t.xml").value();
  REQUIRE(doc.configurations.size() == 1);
  const auto& c = doc.configurations[0].config;
  CHECK(c.instance_name == "t.test");
  CHECK(c.sequence == 1);
  CHECK(c.kinds.empty());
  CHECK(c.max_message_size == 5000);
  CHECK(doc.warnings.empty());
}

TEST_CASE("values that are read") {
  auto doc = parse_overlay_document(
                 doc_with("    <overlay-link-protocol>TLS</overlay-link-protocol>\n"
                          "    <overlay-link-protocol> DTLS-UDP-SR </overlay-link-protocol>\n"
                          "    <node-id-length>20</node-id-length>\n"
                          "    <configuration-signer>00112233445566778899AABBCCDDEEFF00112233</configuration-signer>\n"
                          "    <bootstrap-node address=\"::1\"/>\n"
                          "    <bootstrap-node address=\" 10.0.0.1 \" port=\"7000\"/>\n"
                          "    <self-signed-permitted digest=\"sha256\">1</self-signed-permitted>\n"
                          "    <ext:anything><ext:nested/>whatever</ext:anything>\n"
                          "    <required-kinds><kind-block><kind id=\"4000000001\">"
                          "<data-model>SINGLE</data-model><access-control>NODE-MULTIPLE</access-control>"
                          "<max-node-multiple>5</max-node-multiple><max-count>1</max-count>"
                          "<max-size>64</max-size><ext:x/></kind></kind-block>"
                          "<ext:other-block/></required-kinds>\n",
                          "instance-name=\" t.test \" ext:flag=\"1\" expiration=\"2040-01-01T00:00:00Z\""),
                 "t.xml")
                 .value();
  const auto& c = doc.configurations[0].config;
  CHECK(c.instance_name == "t.test");
  CHECK_FALSE(c.sequence);
  CHECK(c.expiration == sys_days(year{2040} / 1 / 1));
  CHECK(c.overlay_link_protocols == std::vector<std::string>{"TLS", "DTLS-UDP-SR"});
  CHECK(c.node_id_length == 20);
  REQUIRE(c.configuration_signers.size() == 1);  // read after node-id-length is known
  CHECK(c.configuration_signers[0].hex() == "00112233445566778899aabbccddeeff00112233");
  CHECK(c.bootstrap_nodes == std::vector<BootstrapNode>{{"::1", 6084}, {"10.0.0.1", 7000}});
  CHECK(c.self_signed_permitted);
  CHECK(c.self_signed_digest == wire::HashAlgorithm::sha256);
  REQUIRE(c.kinds.size() == 1);
  CHECK(c.kinds[0].id == 4000000001u);
  CHECK(c.kinds[0].max_node_multiple == 5);
  CHECK(c.kinds[0].signature.empty());
}

TEST_CASE("Kinds by name: XMPP-LOCATION is 5, a deployment may renumber it") {
  auto doc = parse_overlay_document(doc_with(kind_block("name=\"XMPP-LOCATION\"", xmpp_params)), "t.xml")
                 .value();
  CHECK(doc.configurations[0].config.kinds.at(0).id == 5);
  CHECK(doc.warnings.empty());

  ParseOptions o;
  o.known_kinds = standard_kinds();
  for (auto& k : o.known_kinds)
    if (k.name == "XMPP-LOCATION") k.id = 0xf0000005;
  auto renumbered =
      parse_overlay_document(doc_with(kind_block("name=\"XMPP-LOCATION\"", xmpp_params)), "t.xml", o)
          .value();
  CHECK(renumbered.configurations[0].config.kinds.at(0).id == 0xf0000005);

  // The same Kind by id: known, so named.
  auto by_id = parse_overlay_document(doc_with(kind_block("id=\"5\"", xmpp_params)), "t.xml").value();
  CHECK(by_id.configurations[0].config.kinds.at(0).name == "XMPP-LOCATION");
}

TEST_CASE("a registered Kind keeps its registration, with a warning") {
  auto doc = parse_overlay_document(
                 doc_with(kind_block("name=\"CERTIFICATE_BY_NODE\"",
                                     "<data-model>DICTIONARY</data-model>"
                                     "<access-control>USER-NODE-MATCH</access-control>"
                                     "<max-count>2</max-count><max-size>2048</max-size>")),
                 "t.xml")
                 .value();
  const auto& k = doc.configurations[0].config.kinds.at(0);
  CHECK(k.data_model == wire::DataModel::array);
  CHECK(k.access_control == AccessControl::node_match);
  REQUIRE(doc.warnings.size() == 1);
  CHECK(doc.warnings[0].line == 7);
  CHECK(doc.warnings[0].element == "kind");
}

TEST_CASE("errors: unknown elements and attributes") {
  check_error(doc_with("    <no-ice>true</no-ice>\n    <topology-plugn>CHORD-RELOAD</topology-plugn>\n"),
              ConfigErrc::unknown_element, 7, "topology-plugn", "unknown element");
  check_error(doc_with("    <chord:chord-pong-interval>3</chord:chord-pong-interval>\n"),
              ConfigErrc::unknown_element, 6, "chord:chord-pong-interval");
  check_error(doc_with("    <stray xmlns=\"\">1</stray>\n"), ConfigErrc::unknown_element, 6, "stray",
              "no namespace");
  check_error(doc_with("    <signature>QQ==</signature>\n"), ConfigErrc::unknown_element, 6, "signature");
  check_error(doc_with("", "instance-name=\"t.test\" sequense=\"1\""), ConfigErrc::unknown_attribute, 5,
              "configuration", "sequense");
  check_error(doc_with("    <no-ice foo=\"1\">true</no-ice>\n"), ConfigErrc::unknown_attribute, 6, "no-ice");
  check_error(doc_with("    <no-ice>true<ext:x/></no-ice>\n"), ConfigErrc::unknown_element, 6, "ext:x");
  check_error(doc_with("    hello\n"), ConfigErrc::bad_value, 5, "configuration", "text");
  check_error(doc_with(kind_block("name=\"XMPP-LOCATION\"",
                                  "<data-model>DICTIONARY</data-model><colour>red</colour>")),
              ConfigErrc::unknown_element, 7, "colour");
  check_error(doc_with("    <required-kinds><kind/></required-kinds>\n"), ConfigErrc::unknown_element, 6,
              "kind", "required-kinds");

  auto wrong_root = error_of("<overlay xmlns=\"urn:other\"><configuration instance-name=\"a\"/></overlay>");
  CHECK(wrong_root.code == ConfigErrc::unknown_element);
  CHECK(wrong_root.element == "overlay");
  auto sig_first = error_of(
      "<overlay xmlns=\"urn:ietf:params:xml:ns:p2p:config-base\">\n<signature>QQ==</signature>\n</overlay>");
  CHECK(sig_first.line == 2);
  CHECK(sig_first.element == "signature");
  auto none = error_of("<overlay xmlns=\"urn:ietf:params:xml:ns:p2p:config-base\"/>");
  CHECK(none.code == ConfigErrc::missing);
}

TEST_CASE("errors: numbers") {
  check_error(doc_with("    <max-message-size>12x</max-message-size>\n"), ConfigErrc::bad_value, 6,
              "max-message-size", "'12x' is not a number");
  check_error(doc_with("\n    <initial-ttl>-5</initial-ttl>\n"), ConfigErrc::bad_value, 7, "initial-ttl",
              "negative");
  check_error(doc_with("    <node-id-length>32</node-id-length>\n"), ConfigErrc::bad_value, 6,
              "node-id-length", "out of range 16..20");
  check_error(doc_with("    <turn-density>256</turn-density>\n"), ConfigErrc::bad_value, 6, "turn-density");
  check_error(doc_with("    <overlay-reliability-timer>100</overlay-reliability-timer>\n"),
              ConfigErrc::bad_value, 6, "overlay-reliability-timer", "200");
  check_error(doc_with("    <chord:chord-ping-interval></chord:chord-ping-interval>\n"),
              ConfigErrc::bad_value, 6, "chord:chord-ping-interval", "empty");
  check_error(doc_with("", "instance-name=\"t\" sequence=\"65535\""), ConfigErrc::bad_value, 5,
              "configuration", "attribute sequence");
  check_error(doc_with("", "instance-name=\"t\" expiration=\"tomorrow\""), ConfigErrc::bad_value, 5,
              "configuration", "attribute expiration");
  check_error(doc_with(kind_block("id=\"0\"", xmpp_params)), ConfigErrc::bad_value, 7, "kind",
              "attribute id");
  check_error(doc_with(kind_block("name=\"XMPP-LOCATION\"",
                                  "<data-model>DICTIONARY</data-model><access-control>USER-NODE-MATCH"
                                  "</access-control><max-count>many</max-count><max-size>1</max-size>")),
              ConfigErrc::bad_value, 7, "max-count");
  check_error(doc_with("    <bootstrap-node address=\"127.0.0.1\" port=\"0\"/>\n"), ConfigErrc::bad_value, 6,
              "bootstrap-node", "attribute port");
}

TEST_CASE("errors: other bad values") {
  check_error(doc_with("    <no-ice>yes</no-ice>\n"), ConfigErrc::bad_value, 6, "no-ice", "boolean");
  check_error(doc_with("    <topology-plugin>PASTRY</topology-plugin>\n"), ConfigErrc::bad_value, 6,
              "topology-plugin", "not supported");
  check_error(doc_with("    <enrollment-server>http://127.0.0.1/</enrollment-server>\n"),
              ConfigErrc::bad_value, 6, "enrollment-server", "https");
  check_error(doc_with("    <bootstrap-node address=\"boot.example.org\"/>\n"), ConfigErrc::bad_value, 6,
              "bootstrap-node", "not an IPv4 or IPv6 address");
  check_error(doc_with("    <self-signed-permitted digest=\"md5\">true</self-signed-permitted>\n"),
              ConfigErrc::bad_value, 6, "self-signed-permitted", "digest");
  check_error(doc_with("    <root-cert>not base64!</root-cert>\n"), ConfigErrc::bad_value, 6, "root-cert",
              "base64");
  check_error(doc_with("    <root-cert>YmFkIGNlcnQK</root-cert>\n"), ConfigErrc::bad_certificate, 6,
              "root-cert", "not a DER X.509 certificate");
  check_error(doc_with("    <kind-signer>xyz</kind-signer>\n"), ConfigErrc::bad_value, 6, "kind-signer",
              "hex");
  check_error(doc_with("    <bad-node>0011</bad-node>\n"), ConfigErrc::bad_value, 6, "bad-node", "2 bytes");
  check_error(doc_with(kind_block("name=\"XMPP-LOCATION\"",
                                  "<data-model>LIST</data-model><access-control>USER-NODE-MATCH"
                                  "</access-control><max-count>1</max-count><max-size>1</max-size>")),
              ConfigErrc::bad_value, 7, "data-model", "'LIST' is not SINGLE, ARRAY or DICTIONARY");
  check_error(doc_with(kind_block("id=\"4000\"",
                                  "<data-model>ARRAY</data-model><access-control>ANYONE"
                                  "</access-control><max-count>1</max-count><max-size>1</max-size>")),
              ConfigErrc::bad_value, 7, "access-control");
  check_error(doc_with(kind_block("id=\"4000\"",
                                  "<data-model>ARRAY</data-model><access-control>USER-NODE-MATCH"
                                  "</access-control><max-count>1</max-count><max-size>1</max-size>")),
              ConfigErrc::bad_value, 7, "kind", "DICTIONARY");
  check_error(doc_with(kind_block("id=\"4000\" name=\"XMPP-LOCATION\"", xmpp_params)), ConfigErrc::bad_value,
              7, "kind", "both");
  check_error(doc_with(kind_block("id=\"4000\"",
                                  "<data-model>ARRAY</data-model><access-control>NODE-MATCH</access-control>"
                                  "<max-node-multiple>2</max-node-multiple><max-count>1</max-count>"
                                  "<max-size>1</max-size>")),
              ConfigErrc::bad_value, 7, "kind", "only for NODE-MULTIPLE");
  check_error(doc_with("    <required-kinds><kind-block>\n      <kind-signature>QQ==</kind-signature>"
                       "<kind-signature>QQ==</kind-signature><kind name=\"XMPP-LOCATION\">" +
                       std::string(xmpp_params) + "</kind></kind-block></required-kinds>\n"),
              ConfigErrc::duplicate, 7, "kind-signature");
  check_error(doc_with("    <required-kinds><kind-block>\n      <kind-signature>@@</kind-signature><kind "
                       "name=\"XMPP-LOCATION\">" +
                       std::string(xmpp_params) + "</kind></kind-block></required-kinds>\n"),
              ConfigErrc::bad_value, 7, "kind-signature", "base64");
}

TEST_CASE("errors: missing elements and attributes") {
  check_error(doc_with("", "sequence=\"1\""), ConfigErrc::missing, 5, "configuration", "instance-name");
  check_error(doc_with("", "instance-name=\"  \""), ConfigErrc::bad_value, 5, "configuration", "empty");
  check_error(doc_with("    <self-signed-permitted>true</self-signed-permitted>\n"), ConfigErrc::missing, 6,
              "self-signed-permitted", "digest");
  check_error(doc_with("    <bootstrap-node port=\"6084\"/>\n"), ConfigErrc::missing, 6, "bootstrap-node",
              "address");
  check_error(doc_with(kind_block("name=\"XMPP-LOCATION\"",
                                  "<data-model>DICTIONARY</data-model><access-control>USER-NODE-MATCH"
                                  "</access-control><max-count>16</max-count>")),
              ConfigErrc::missing, 7, "kind", "<max-size>");
  check_error(doc_with(kind_block("", xmpp_params)), ConfigErrc::missing, 7, "kind", "name or an id");
  check_error(doc_with(kind_block("id=\"4000\"",
                                  "<data-model>ARRAY</data-model><access-control>NODE-MULTIPLE"
                                  "</access-control><max-count>1</max-count><max-size>1</max-size>")),
              ConfigErrc::missing, 7, "kind", "max-node-multiple");
  check_error(doc_with("    <required-kinds>\n      <kind-block/>\n    </required-kinds>\n"),
              ConfigErrc::missing, 7, "kind-block");
}

TEST_CASE("errors: unknown Kind names and mandatory extensions") {
  check_error(doc_with(kind_block("name=\"XMPP-LOCATIONS\"", xmpp_params)), ConfigErrc::unknown_kind, 7,
              "kind", "'XMPP-LOCATIONS'");
  check_error(doc_with("    <mandatory-extension> urn:example:ext </mandatory-extension>\n"),
              ConfigErrc::unknown_extension, 6, "mandatory-extension", "urn:example:ext");
  ParseOptions o;
  o.supported_extensions = {"urn:example:ext"};
  CHECK(parse_overlay_document(doc_with("    <mandatory-extension> urn:example:ext </mandatory-extension>\n"),
                               "t.xml", o).has_value());
  // The base namespaces are always supported.
  CHECK(parse_overlay_document(
      doc_with("    <mandatory-extension>urn:ietf:params:xml:ns:p2p:config-chord</mandatory-extension>\n"),
      "t.xml").has_value());
}

TEST_CASE("errors: duplicates") {
  check_error(doc_with("    <no-ice>true</no-ice>\n    <clients-permitted>1</clients-permitted>\n"
                       "    <no-ice>false</no-ice>\n"),
              ConfigErrc::duplicate, 8, "no-ice", "more than once");
  check_error(doc_with("    <chord:chord-reactive>1</chord:chord-reactive>\n"
                       "    <chord:chord-reactive>1</chord:chord-reactive>\n"),
              ConfigErrc::duplicate, 7, "chord:chord-reactive");
  check_error(doc_with("    <required-kinds/>\n    <required-kinds/>\n"), ConfigErrc::duplicate, 7,
              "required-kinds");
  check_error(doc_with(kind_block("name=\"XMPP-LOCATION\"",
                                  std::string(xmpp_params) + "<max-size>2</max-size>")),
              ConfigErrc::duplicate, 7, "max-size");
  check_error(doc_with("    <required-kinds>\n"
                       "      <kind-block><kind name=\"XMPP-LOCATION\">" + std::string(xmpp_params) +
                       "</kind></kind-block>\n"
                       "      <kind-block><kind id=\"5\">" + std::string(xmpp_params) +
                       "</kind></kind-block>\n"
                       "    </required-kinds>\n"),
              ConfigErrc::duplicate, 8, "kind", "already defined on line 7");
}

TEST_CASE("errors: malformed XML, DOCTYPE and oversize") {
  check_error(doc_with("    <no-ice>true</no-ice>\n    <max-message-size>1</max-mesage-size>\n"),
              ConfigErrc::malformed_xml, 7, "max-message-size", "mismatched tag");
  std::string laughs =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE overlay [\n <!ENTITY a \"aaaaaaaaaa\">\n"
      " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n]>\n"
      "<overlay xmlns=\"urn:ietf:params:xml:ns:p2p:config-base\">"
      "<configuration instance-name=\"&b;\"/></overlay>\n";
  check_error(laughs, ConfigErrc::forbidden_markup, 2, "", "DOCTYPE");

  ParseOptions small;
  small.limits.max_bytes = 200;
  auto big = doc_with(std::string(300, '\n'));
  auto e = error_of(big, small);
  CHECK(e.code == ConfigErrc::limit_exceeded);
  CHECK(e.to_string().rfind("t.xml: document is", 0) == 0);
}

TEST_CASE("read_overlay_document reads a file and names it in errors") {
  auto doc = read_overlay_document(test::rfc_example_path(), rfc_options()).value();
  CHECK(doc.source_name == test::rfc_example_path());
  CHECK(doc.configurations.size() == 2);
  auto missing = read_overlay_document("/nonexistent/overlay.xml");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == ConfigErrc::io);
  ParseOptions small;
  small.limits.max_bytes = 100;
  auto big = read_overlay_document(test::rfc_example_path(), small);
  REQUIRE_FALSE(big.has_value());
  CHECK(big.error().code == ConfigErrc::limit_exceeded);
}

TEST_CASE("a Kind whose values cannot be stored within max-message-size is warned about, with its line") {
  auto kind = [](const char* id, int count, int size) {
    return std::string("<kind id=\"") + id + "\"><data-model>ARRAY</data-model><access-control>USER-MATCH"
           "</access-control><max-count>" + std::to_string(count) + "</max-count><max-size>" +
           std::to_string(size) + "</max-size></kind>";
  };
  // The shipped document's old CERTIFICATE_BY_USER (values of 8,192 bytes against 5,000): no
  // value that large could ever be stored.
  auto doc = parse_overlay_document(
                 doc_with("    <required-kinds><kind-block>" + kind("4000000001", 32, 8192) +
                          "</kind-block><kind-block>" + kind("4000000002", 8, 1024) + "</kind-block></required-kinds>\n"),
                 "t.xml")
                 .value();
  REQUIRE(doc.warnings.size() == 1);
  CHECK(doc.warnings[0].reason == "Kind 4000000001: a value of max-size 8192 cannot be stored in a message of "
                                  "max-message-size 5000");
  CHECK(doc.warnings[0].line > 0);
  CHECK(doc.configurations.at(0).config.kinds.size() == 2);  // warned, not refused
}
