#include "crypto/signing.hpp"

#include "crypto_fixtures.hpp"
#include "sample_messages.hpp"
#include "wire/codec.hpp"
#include "wire/hashes.hpp"
#include "wire/message.hpp"
#include "wire/ping.hpp"

using namespace reload;
using namespace reload::crypto;
using namespace reload::crypto::test;
using Type = wire::SignerIdentityType;

namespace {

const wire::CodecContext& codec() {
  static const wire::CodecContext ctx = [] {
    wire::CodecContext c;
    c.data_models = &reload::test::sample_data_models();
    return c;
  }();
  return ctx;
}

// A sample StoreReq (XMPP-LOCATION, dictionary) of the overlay the fixtures use.
const wire::Buffer& store_req() {
  static const wire::Buffer b = reload::test::sample_store_req(4);
  return b;
}

// `message` (encoded) signed by `s` with identity `type`, carrying `carry` (DER) in its
// security block; encoded again.
wire::Buffer sign(wire::Bytes message, const Signer& s, Type type, std::vector<wire::Bytes> carry) {
  auto m = wire::decode_message(message, codec()).value();
  auto sig = s.sign_message(m.header.overlay, m.header.transaction_id, m.encoded_contents, type).value();
  m.security.certificates.clear();
  for (auto c : carry) m.security.certificates.push_back({wire::CertificateType::x509, c});
  m.security.signature = sig.view();
  return wire::encode_message(m).value();
}

boost::system::result<VerifiedSigner> verify(wire::Bytes message, CertificateCache& cache,
                                             Certificate::Clock::time_point now = Certificate::Clock::now()) {
  auto m = wire::decode_message(message, codec());
  if (!m) return m.error();
  return verify_message(*m, cache, now);
}

// Where in an encoded message a byte lies that the signature covers: overlay,
// transaction_id, the MessageContents.
std::vector<std::size_t> signed_offsets(wire::Bytes message) {
  auto m = wire::decode_message(message, codec()).value();
  std::vector<std::size_t> out;
  for (std::size_t i = 4; i < 8; ++i) out.push_back(i);    // overlay
  for (std::size_t i = 20; i < 28; ++i) out.push_back(i);  // transaction_id
  auto start = static_cast<std::size_t>(m.encoded_contents.data() - message.data());
  for (std::size_t i = 0; i < m.encoded_contents.size(); ++i) out.push_back(start + i);
  return out;
}

}  // namespace

TEST_CASE("signatures verify, and fail after any single byte of the input or signature changes") {
  auto m = wire::decode_message(store_req(), codec()).value();
  for (auto type : {KeyType::ecdsa_p256, KeyType::rsa2048}) {
    auto ca = make_ca(type);
    auto leaf = make_leaf(ca, alice(), type);
    auto signer = Signer::make(leaf.key, leaf.cert, node(0x11)).value();
    // A realistic input: the signature input of a StoreReq of four XMPP-LOCATION entries.
    auto identity = signer.sign_message(1, 1, {}).value();
    wire::Buffer input;
    wire::append_signature_input(input, m.header.overlay, m.header.transaction_id, m.encoded_contents,
                                 identity.identity());
    MESSAGE("signature input of a StoreReq: ", input.size(), " bytes");
    auto sig = leaf.key.sign(input).value();
    CHECK_FALSE(verify_signature(leaf.cert, leaf.key.algorithm(), input, sig));
    std::size_t refused = 0;
    for (std::size_t i = 0; i < input.size(); ++i) {
      auto bad = input;
      bad[i] ^= 0x01;
      refused += verify_signature(leaf.cert, leaf.key.algorithm(), bad, sig) == crypto_errc::bad_signature;
    }
    CHECK(refused == input.size());
    refused = 0;
    for (std::size_t i = 0; i < sig.size(); ++i) {
      auto bad = sig;
      bad[i] ^= 0x80;
      refused += verify_signature(leaf.cert, leaf.key.algorithm(), input, bad) == crypto_errc::bad_signature;
    }
    CHECK(refused == sig.size());
    CHECK(verify_signature(leaf.cert, leaf.key.algorithm(), input, {}) == crypto_errc::bad_signature);
    auto truncated = sig;
    truncated.pop_back();
    CHECK(verify_signature(leaf.cert, leaf.key.algorithm(), input, truncated) == crypto_errc::bad_signature);

    auto wrong = leaf.key.algorithm();
    wrong.signature = wrong.signature == wire::SignatureAlgorithm::rsa ? wire::SignatureAlgorithm::ecdsa
                                                                       : wire::SignatureAlgorithm::rsa;
    CHECK(verify_signature(leaf.cert, wrong, input, sig) == crypto_errc::unsupported_algorithm);
    auto sha1 = leaf.key.algorithm();
    sha1.hash = wire::HashAlgorithm::sha1;
    CHECK(verify_signature(leaf.cert, sha1, input, sig) == crypto_errc::unsupported_algorithm);
  }
}

TEST_CASE("a Signer's key and Node-ID must be its certificate's") {
  auto ca = make_ca();
  auto a = make_leaf(ca, alice({node(0x11), node(0x12)}));
  auto b = make_leaf(ca, alice());
  CHECK(Signer::make(a.key, b.cert, node(0x11)).error() == crypto_errc::key_mismatch);
  CHECK(Signer::make(a.key, a.cert, node(0x13)).error() == crypto_errc::no_node_id);
  CHECK(Signer::make(a.key, a.cert, node(0x12)).has_value());
  auto anonymous = Signer::make(a.key, a.cert, {}).value();
  CHECK(anonymous.sign_message(1, 2, {}, Type::cert_hash).has_value());
  CHECK(anonymous.sign_message(1, 2, {}, Type::cert_hash_node_id).error() == crypto_errc::no_node_id);
  CHECK(anonymous.sign_message(1, 2, {}, Type::none).error() == crypto_errc::unsupported_algorithm);
}

TEST_CASE("a signed message verifies with either identity type, from the message or the cache") {
  for (auto key_type : {KeyType::ecdsa_p256, KeyType::rsa2048}) {
    auto ca = make_ca(key_type);
    auto leaf = make_leaf(ca, alice({node(0x11), node(0x12)}), key_type);
    auto as_second = Signer::make(leaf.key, leaf.cert, node(0x12)).value();
    for (auto type : {Type::cert_hash, Type::cert_hash_node_id}) {
      CAPTURE(static_cast<int>(type));
      CertificateCache cache{TrustStore(policy_for(ca))};
      auto bytes = sign(store_req(), as_second, type, {leaf.cert.der()});
      auto who = verify(bytes, cache).value();
      CHECK(who.certificate == leaf.cert);
      if (type == Type::cert_hash_node_id) CHECK(who.node_id == node(0x12));
      else CHECK(who.node_id.empty());
      CHECK(cache.size() == 1);
      // The identity names the certificate in the cache now: the next message need not
      // carry it, if its identity is a plain cert_hash.
      auto bare = sign(store_req(), as_second, type, {});
      if (type == Type::cert_hash) CHECK(verify(bare, cache).has_value());
      else CHECK(verify(bare, cache).error() == crypto_errc::untrusted);
    }
  }
  // A PingReq built here, not from the samples.
  auto ca = make_ca();
  auto leaf = make_leaf(ca, alice());
  auto signer = Signer::make(leaf.key, leaf.cert, node(0x11)).value();
  wire::Message m;
  m.header.overlay = wire::overlay_hash(overlay);
  m.header.transaction_id = 0x0102030405060708;
  m.header.destination_list = {node(0x99)};
  m.contents.message_code = static_cast<std::uint16_t>(wire::MessageCode::ping_req);
  auto body = wire::encode_to_buffer(wire::PingReq{}).value();
  m.contents.message_body = body;
  auto ping = wire::encode_message(m).value();
  CertificateCache cache{TrustStore(policy_for(ca))};
  CHECK(verify(sign(ping, signer, Type::cert_hash_node_id, {leaf.cert.der()}), cache).value().node_id == node(0x11));
}

TEST_CASE("every signed byte of an encoded message matters") {
  auto ca = make_ca();
  auto leaf = make_leaf(ca, alice());
  auto signer = Signer::make(leaf.key, leaf.cert, node(0x11)).value();
  CertificateCache cache{TrustStore(policy_for(ca))};
  auto bytes = sign(store_req(), signer, Type::cert_hash_node_id, {leaf.cert.der()});
  REQUIRE(verify(bytes, cache).has_value());
  auto offsets = signed_offsets(bytes);
  MESSAGE("StoreReq of ", bytes.size(), " bytes, ", offsets.size(), " of them signed");
  std::size_t refused = 0;
  for (auto i : offsets) {
    auto bad = bytes;
    bad[i] ^= 0x01;
    refused += verify(bad, cache).has_error();  // does not decode, or does not verify
  }
  CHECK(refused == offsets.size());
  // The signature value: the last bytes of the message.
  auto m = wire::decode_message(bytes, codec()).value();
  std::size_t sig_size = m.security.signature.signature_value.size();
  refused = 0;
  for (std::size_t i = bytes.size() - sig_size; i < bytes.size(); ++i) {
    auto bad = bytes;
    bad[i] ^= 0x80;
    refused += verify(bad, cache).error() == crypto_errc::bad_signature;
  }
  CHECK(refused == sig_size);
}

TEST_CASE("refused: no identity, the wrong certificate, an untrusted or expired one, a wrong algorithm") {
  auto ca = make_ca();
  auto a = make_leaf(ca, alice());
  auto b = make_leaf(ca, alice({node(0x22)}));
  auto signer = Signer::make(a.key, a.cert, node(0x11)).value();
  auto b_signer = Signer::make(b.key, b.cert, node(0x22)).value();
  auto fresh = [&] { return CertificateCache{TrustStore(policy_for(ca))}; };

  // Identity none: an unsigned message.
  {
    auto bytes = sign(store_req(), signer, Type::cert_hash, {a.cert.der()});  // m's views point here
    auto m = wire::decode_message(bytes, codec()).value();
    m.security.signature.identity = wire::SignerIdentity{};
    auto cache = fresh();
    CHECK(verify_message(m, cache).error() == crypto_errc::bad_signature);
  }
  // A's identity and B's certificate: the certificate it names is not there.
  for (auto type : {Type::cert_hash, Type::cert_hash_node_id}) {
    auto cache = fresh();
    CHECK(verify(sign(store_req(), signer, type, {b.cert.der()}), cache).error() == crypto_errc::untrusted);
  }
  // B's identity over A's signature: the named certificate is found, the signature fails.
  {
    auto bytes = sign(store_req(), signer, Type::cert_hash, {a.cert.der(), b.cert.der()});
    auto m = wire::decode_message(bytes, codec()).value();
    auto b_identity = b_signer.sign_message(1, 1, {}).value();
    m.security.signature.identity = b_identity.identity();
    auto cache = fresh();
    CHECK(verify_message(m, cache).error() == crypto_errc::bad_signature);
  }
  // A certificate from another CA.
  {
    auto other = make_ca();
    CertificateCache strangers{TrustStore(policy_for(other))};
    CHECK(verify(sign(store_req(), signer, Type::cert_hash, {a.cert.der()}), strangers).error() ==
          crypto_errc::untrusted);
    CHECK(strangers.size() == 0);
  }
  // An expired signer, whether its certificate comes with the message or from the cache.
  {
    auto cache = fresh();
    auto later = Certificate::Clock::now() + 24h * 40;
    auto bytes = sign(store_req(), signer, Type::cert_hash, {a.cert.der()});
    CHECK(verify(bytes, cache, later).error() == crypto_errc::expired);
    CHECK(verify(bytes, cache).has_value());
    CHECK(verify(bytes, cache, later).error() == crypto_errc::expired);
    CHECK(verify(sign(store_req(), signer, Type::cert_hash, {}), cache, later).error() == crypto_errc::expired);
  }
  // The algorithm field must be the key's; the identity's hash must be SHA-256.
  {
    auto bytes = sign(store_req(), signer, Type::cert_hash, {a.cert.der()});
    auto m = wire::decode_message(bytes, codec()).value();
    auto cache = fresh();
    auto as_rsa = m;
    as_rsa.security.signature.algorithm.signature = wire::SignatureAlgorithm::rsa;
    CHECK(verify_message(as_rsa, cache).error() == crypto_errc::unsupported_algorithm);
    auto sha1_identity = m;
    sha1_identity.security.signature.identity.hash_alg = wire::HashAlgorithm::sha1;
    CHECK(verify_message(sha1_identity, cache).error() == crypto_errc::unsupported_algorithm);
    CHECK(verify_message(m, cache).has_value());
  }
}

TEST_CASE("a leaf of an intermediate CA verifies when the message carries the intermediate") {
  auto root = make_ca(KeyType::ecdsa_p256, "Root");
  auto sub = root.make_subordinate("Enrollment CA", KeyType::ecdsa_p256, 24h * 30).value();
  auto leaf = make_leaf(sub, alice());
  auto signer = Signer::make(leaf.key, leaf.cert, node(0x11)).value();
  for (auto type : {Type::cert_hash, Type::cert_hash_node_id}) {
    CertificateCache cache{TrustStore(policy_for(root))};
    CHECK(verify(sign(store_req(), signer, type, {leaf.cert.der()}), cache).error() == crypto_errc::untrusted);
    auto who = verify(sign(store_req(), signer, type, {sub.certificate().der(), leaf.cert.der()}), cache);
    REQUIRE(who.has_value());
    CHECK(who->certificate == leaf.cert);
    // Only the signer is cached, not the intermediate it came with.
    CHECK(cache.size() == 1);
    CHECK(verify(sign(store_req(), signer, type, {leaf.cert.der()}), cache).has_value());
  }
}

TEST_CASE("stored data signatures cover value, kind, resource and storage time") {
  for (auto key_type : {KeyType::ecdsa_p256, KeyType::rsa2048}) {
    auto ca = make_ca(key_type);
    auto leaf = make_leaf(ca, alice(), key_type);
    auto signer = Signer::make(leaf.key, leaf.cert, node(0x11)).value();
    CertificateCache cache{TrustStore(policy_for(ca))};
    wire::Buffer value{1, 2, 3, 4};
    wire::Buffer key_bytes{0xaa, 0xbb};
    auto resource = wire::resource_id_of("alice@example.org");
    std::vector<wire::StoredDataValue> values{
        wire::DataValue{true, value},
        wire::ArrayEntry{5, wire::DataValue{true, value}},
        wire::DictionaryEntry{key_bytes, wire::DataValue{true, value}}};
    std::vector<wire::GenericCertificate> certs{{wire::CertificateType::x509, leaf.cert.der()}};
    for (auto type : {Type::cert_hash, Type::cert_hash_node_id}) {
      for (const auto& v : values) {
        CAPTURE(v.index());
        auto sig = signer.sign_stored_data(resource, 5, 1000, v, type).value();
        wire::StoredData d{1000, 60, v, sig.view()};
        auto who = verify_stored_data(d, resource, 5, certs, cache);
        REQUIRE(who.has_value());
        CHECK(who->certificate == leaf.cert);
        CHECK(verify_stored_data(d, resource, 6, certs, cache).error() == crypto_errc::bad_signature);
        CHECK(verify_stored_data(d, wire::resource_id_of("bob@example.org"), 5, certs, cache).error() ==
              crypto_errc::bad_signature);
        auto later = d;
        later.storage_time = 1001;
        CHECK(verify_stored_data(later, resource, 5, certs, cache).error() == crypto_errc::bad_signature);
        auto longer = d;
        longer.lifetime = 120;  // not signed: a replica may shorten what is left
        CHECK(verify_stored_data(longer, resource, 5, certs, cache).has_value());

        wire::Buffer other{1, 2, 3, 5};
        wire::Buffer other_key{0xaa, 0xbc};
        auto changed = d;
        std::visit([&](auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, wire::DataValue>) x.value = other;
          else if constexpr (std::is_same_v<T, wire::RawValue>) {}
          else x.value.value = other;
        }, changed.value);
        CHECK(verify_stored_data(changed, resource, 5, certs, cache).error() == crypto_errc::bad_signature);
        auto gone = d;
        std::visit([&](auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, wire::DataValue>) x.exists = false;
          else if constexpr (std::is_same_v<T, wire::RawValue>) {}
          else x.value.exists = false;
        }, gone.value);
        CHECK(verify_stored_data(gone, resource, 5, certs, cache).error() == crypto_errc::bad_signature);
        if (std::holds_alternative<wire::DictionaryEntry>(d.value)) {
          auto rekeyed = d;
          std::get<wire::DictionaryEntry>(rekeyed.value).key = other_key;
          CHECK(verify_stored_data(rekeyed, resource, 5, certs, cache).error() == crypto_errc::bad_signature);
        }
        // An array entry is signed with index 0 (section 7.1): the signature stays valid
        // wherever the storing peer puts it, e.g. after an append.
        if (std::holds_alternative<wire::ArrayEntry>(d.value)) {
          auto moved = d;
          std::get<wire::ArrayEntry>(moved.value).index = 17;
          CHECK(verify_stored_data(moved, resource, 5, certs, cache).has_value());
        }
      }
    }
    // A value made up by Fetch (identity none, algorithm {0,0}) never verifies.
    wire::StoredData synthesized{1000, 60, values[0], wire::Signature{}};
    CHECK(verify_stored_data(synthesized, resource, 5, certs, cache).error() == crypto_errc::bad_signature);
  }
}
