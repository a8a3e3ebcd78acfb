#include "crypto/certificate.hpp"

#include "crypto_fixtures.hpp"

using namespace reload::crypto;
using namespace reload::crypto::test;
using reload::wire::NodeId;

TEST_CASE("reload:// URIs: one node destination, an overlay, no specifier") {
  auto id = *NodeId::from_hex("00112233445566778899aabbccddeeff");
  auto uri = format_reload_uri(id, "overlay.example.org");
  CHECK(uri == "reload://011000112233445566778899aabbccddeeff@overlay.example.org/");
  auto back = parse_reload_uri(uri);
  REQUIRE(back);
  CHECK(back->node_id == id);
  CHECK(back->overlay == "overlay.example.org");
  for (const char* bad : {
           "http://011000112233445566778899aabbccddeeff@o/",
           "reload://01100011223344556677889aabbccddeeff@o/",       // odd hex
           "reload://021100112233445566778899aabbccddeeff00@o/",   // a resource
           "reload://011000112233445566778899aabbccddeeff011000112233445566778899aabbccddeeff@o/",
           "reload://011000112233445566778899aabbccddeeff@o/0102",  // a specifier
           "reload://011000112233445566778899aabbccddeeff@/",       // no overlay
           "reload://011000112233445566778899aabbccddeeff@o",       // no slash
           "reload://0108001122334455667788@o/",                    // 8 bytes
       })
    CHECK_MESSAGE(!parse_reload_uri(bad).has_value(), bad);
}

TEST_CASE("an issued certificate carries its Node-IDs, user name and XMPP address") {
  auto ca = make_ca();
  Identity who{{node(0x11), node(0x22)}, overlay, "alice@overlay.example.org", std::string("jürgen@example.org"), {}, {}};
  auto leaf = make_leaf(ca, who);
  const auto& c = leaf.cert;
  CHECK(c.node_ids(overlay) == std::vector<NodeId>{node(0x11), node(0x22)});
  CHECK(c.node_ids("other.example.org").empty());
  CHECK(c.has_node_id(node(0x22), overlay));
  CHECK_FALSE(c.has_node_id(node(0x33), overlay));
  CHECK(c.user_names() == std::vector<std::string>{"alice@overlay.example.org"});
  CHECK(c.xmpp_addresses() == std::vector<std::string>{"jürgen@example.org"});
  CHECK_FALSE(c.is_ca());
  CHECK_FALSE(c.is_self_signed());
  CHECK(c.subject().empty());  // RFC 6940 section 11.3: an empty subject
  CHECK(c.sha256().size() == 32);
  auto again = Certificate::from_der(c.der()).value();
  CHECK(again == c);
  auto from_pem = Certificate::from_pem(c.pem()).value();
  CHECK(from_pem == c);
}

TEST_CASE("a user without an XMPP address gets none") {
  auto ca = make_ca();
  Identity who{{node(0x11)}, overlay, "bob@overlay.example.org", std::nullopt, {}, {}};
  auto leaf = make_leaf(ca, who);
  CHECK(leaf.cert.xmpp_addresses().empty());
}

TEST_CASE("garbage is not a certificate") {
  std::vector<std::uint8_t> junk{0x30, 0x03, 0x02, 0x01, 0x01};
  CHECK(Certificate::from_der(junk).error() == crypto_errc::bad_encoding);
  CHECK(Certificate::from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").error() ==
        crypto_errc::bad_encoding);
  auto ca = make_ca();
  auto der = reload::wire::to_buffer(ca.certificate().der());
  der.push_back(0);  // trailing byte
  CHECK(Certificate::from_der(der).error() == crypto_errc::bad_encoding);
}
