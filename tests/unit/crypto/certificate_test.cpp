#include "crypto/certificate.hpp"

#include <fstream>

#include <sys/stat.h>

#include "crypto/oids.hpp"
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

  // 1*HEXDIG: upper case too; Node-IDs of 16 to 20 bytes.
  auto upper = parse_reload_uri("reload://0110000102030405060708090A0B0C0D0E0F@o/");
  REQUIRE(upper);
  CHECK(upper->node_id == *NodeId::from_hex("000102030405060708090a0b0c0d0e0f"));
  auto long_id = node(0xab, 20);
  auto twenty = parse_reload_uri(format_reload_uri(long_id, "o"));
  REQUIRE(twenty);
  CHECK(twenty->node_id == long_id);

  for (const char* bad : {
           "http://011000112233445566778899aabbccddeeff@o/",
           "RELOAD://011000112233445566778899aabbccddeeff@o/",
           "reload:011000112233445566778899aabbccddeeff@o/",
           "reload://01100011223344556677889aabbccddeeff@o/",       // odd hex
           "reload://01100011223344556677889aabbccddeeffxz@o/",     // not hex
           "reload://021100112233445566778899aabbccddeeff00@o/",   // a resource
           "reload://8001@o/",                                       // a compressed destination
           "reload://011000112233445566778899aabbccddeeff011000112233445566778899aabbccddeeff@o/",
           "reload://011000112233445566778899aabbccddeeff@o/0102",  // a specifier
           "reload://011000112233445566778899aabbccddeeff@/",       // no overlay
           "reload://011000112233445566778899aabbccddeeff@o",       // no slash
           "reload://011000112233445566778899aabbccddeeff@o//",
           "reload://011000112233445566778899aabbccddeeff@a@b/",    // '@' is no reg-name
           "reload://011000112233445566778899aabbccddeeff@o:6084/",
           "reload://@o/",
           "reload://0110@o/",                                       // length 16, no bytes
           "reload://0108001122334455667788@o/",                    // 8 bytes
           "reload://0115000102030405060708090a0b0c0d0e0f1011121314@o/",  // 21 bytes
       })
    CHECK_MESSAGE(!parse_reload_uri(bad).has_value(), bad);
}

TEST_CASE("a certificate valid past 2262 (up to 99991231235959Z) never reads as expired") {
  // system_clock holds nanoseconds: its time_point ends in 2262, and a later notAfter used
  // to wrap into the past.
  auto ca = make_ca();
  auto key = PrivateKey::generate(KeyType::ecdsa_p256).value();
  auto csr = CertificateRequest::parse(make_certificate_request(key, "").value()).value();
  Identity who{{node(0x11)}, overlay, "alice@overlay.example.org", {}, {}, {}};
  for (auto years : {300, 7900}) {
    CAPTURE(years);
    auto c = ca.issue(csr, who, std::chrono::hours(24 * 366) * years).value();
    CHECK(c.not_after() == Certificate::Clock::time_point::max());
    CHECK_FALSE(c.valid_at(Certificate::Clock::now()));
  }
}

TEST_CASE("an issued certificate carries its Node-IDs, user name and XMPP address") {
  auto ca = make_ca();
  auto key = PrivateKey::generate(KeyType::ecdsa_p256).value();
  auto csr = CertificateRequest::parse(make_certificate_request(key, "").value()).value();
  // A non-ASCII JID: the otherName is a UTF8String, read back byte for byte.
  Identity who{{node(0x11), node(0x22), node(0x33)}, overlay, "alice@overlay.example.org",
               std::string("jürgen@straße.example"), {}, {}};
  auto c = ca.issue(csr, who, 24h).value();
  CHECK(c.node_ids(overlay) == std::vector<NodeId>{node(0x11), node(0x22), node(0x33)});
  CHECK(c.reload_uris().size() == 3);
  CHECK(c.node_ids("other.example.org").empty());
  CHECK(c.has_node_id(node(0x22), overlay));
  CHECK_FALSE(c.has_node_id(node(0x22), "other.example.org"));
  CHECK_FALSE(c.has_node_id(node(0x44), overlay));
  CHECK(c.user_names() == std::vector<std::string>{"alice@overlay.example.org"});
  CHECK(c.xmpp_addresses() == std::vector<std::string>{"jürgen@straße.example"});
  CHECK_FALSE(c.is_ca());
  CHECK_FALSE(c.is_self_signed());
  CHECK(c.subject().empty());  // RFC 6940 section 11.3: an empty subject
  CHECK(c.issuer() == "CN=Test CA");
  CHECK(reload::wire::equal_bytes(c.public_key_der(), key.public_key_der()));
  CHECK(c.sha256().size() == 32);
  auto now = Certificate::Clock::now();
  CHECK(c.not_before() <= now - 59s);
  CHECK(c.not_before() >= now - 70s);
  CHECK(c.not_after() >= now + 24h - 10s);
  CHECK(c.not_after() <= now + 24h + 10s);
  CHECK_FALSE(c.valid_at(now));
  CHECK(c.valid_at(now - 1h) == crypto_errc::not_yet_valid);
  CHECK(c.valid_at(now + 25h) == crypto_errc::expired);

  auto again = Certificate::from_der(c.der()).value();
  CHECK(again == c);
  CHECK(reload::wire::equal_bytes(again.sha256(), c.sha256()));
  auto from_pem = Certificate::from_pem(c.pem()).value();
  CHECK(from_pem == c);
  CHECK(from_pem.xmpp_addresses() == c.xmpp_addresses());
}

TEST_CASE("subjectAltName entries other than reload URIs, rfc822Name and xmppAddr are skipped") {
  auto key = PrivateKey::generate(KeyType::ecdsa_p256).value();
  RawCert raw;
  raw.subject_key = key.native();
  raw.extensions = {
      {NID_basic_constraints, "critical,CA:FALSE"},
      {NID_subject_alt_name,
       "URI:https://overlay.example.org/.well-known/reload-config,"
       "URI:" + format_reload_uri(node(0x11), overlay) + ","
       "URI:reload://021100112233445566778899aabbccddeeff00@overlay.example.org/,"  // a resource
       "URI:" + format_reload_uri(node(0x22), "other.example.org") + ","
       "DNS:peer.example.org,IP:127.0.0.1,"
       "email:carol@example.org,"
       "otherName:1.3.6.1.5.5.7.8.7;IA5STRING:_xmpp-client.example.org,"  // SRVName
       "otherName:" + std::string(xmpp_addr_oid) + ";UTF8:carol@example.org,"
       "otherName:" + std::string(xmpp_addr_oid) + ";IA5STRING:not-utf8@example.org"},
  };
  auto c = raw.make();
  REQUIRE(c.reload_uris().size() == 2);
  CHECK(c.reload_uris()[0] == ReloadUri{node(0x11), overlay});
  CHECK(c.reload_uris()[1] == ReloadUri{node(0x22), "other.example.org"});
  CHECK(c.node_ids(overlay) == std::vector<NodeId>{node(0x11)});
  CHECK(c.user_names() == std::vector<std::string>{"carol@example.org"});
  CHECK(c.xmpp_addresses() == std::vector<std::string>{"carol@example.org"});
}

TEST_CASE("a certificate without subjectAltName has no Node-ID, user name or XMPP address") {
  auto key = PrivateKey::generate(KeyType::ecdsa_p256).value();
  RawCert raw;
  raw.subject_key = key.native();
  auto c = raw.make();
  CHECK(c.reload_uris().empty());
  CHECK(c.user_names().empty());
  CHECK(c.xmpp_addresses().empty());
  CHECK(c.is_self_signed());
  CHECK_FALSE(c.is_ca());  // a v3 certificate without basicConstraints is no CA for RELOAD
  CHECK(c.subject() == "CN=raw");
}

TEST_CASE("a user without an XMPP address gets none") {
  auto ca = make_ca();
  Identity who{{node(0x11)}, overlay, "bob@overlay.example.org", std::nullopt, {}, {}};
  auto leaf = make_leaf(ca, who);
  CHECK(leaf.cert.xmpp_addresses().empty());
  CHECK(leaf.cert.user_names() == std::vector<std::string>{"bob@overlay.example.org"});
}

TEST_CASE("certificates save as PEM and load from PEM or DER") {
  auto ca = make_ca();
  auto leaf = make_leaf(ca, alice());
  TempDir dir("reload-cert-test");
  REQUIRE_FALSE(leaf.cert.save_pem(dir.path / "node.crt"));
  CHECK(Certificate::load(dir.path / "node.crt").value() == leaf.cert);
  struct stat st {};
  REQUIRE(::stat((dir.path / "node.crt").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);  // public: readable, unlike a key
  {
    std::ofstream der(dir.path / "node.der", std::ios::binary);
    der.write(reinterpret_cast<const char*>(leaf.cert.der().data()), static_cast<std::streamsize>(leaf.cert.der().size()));
  }
  CHECK(Certificate::load(dir.path / "node.der").value() == leaf.cert);
  CHECK(Certificate::load(dir.path / "missing.crt").has_error());
}

TEST_CASE("garbage is not a certificate") {
  std::vector<std::uint8_t> junk{0x30, 0x03, 0x02, 0x01, 0x01};
  CHECK(Certificate::from_der(junk).error() == crypto_errc::bad_encoding);
  CHECK(Certificate::from_der({}).error() == crypto_errc::bad_encoding);
  CHECK(Certificate::from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").error() ==
        crypto_errc::bad_encoding);
  CHECK(Certificate::from_pem("").error() == crypto_errc::bad_encoding);
  auto ca = make_ca();
  auto der = reload::wire::to_buffer(ca.certificate().der());
  der.push_back(0);  // trailing byte
  CHECK(Certificate::from_der(der).error() == crypto_errc::bad_encoding);
  der.resize(der.size() - 2);  // truncated
  CHECK(Certificate::from_der(der).error() == crypto_errc::bad_encoding);
}
