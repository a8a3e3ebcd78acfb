#include "crypto/signing.hpp"

#include "crypto_fixtures.hpp"
#include "wire/codec.hpp"
#include "wire/hashes.hpp"
#include "wire/message.hpp"
#include "wire/ping.hpp"

using namespace reload;
using namespace reload::crypto;
using namespace reload::crypto::test;

namespace {

wire::Buffer encoded_ping(const Signer& s, wire::SignerIdentityType type, bool carry_certificate) {
  wire::Message m;
  m.header.overlay = wire::overlay_hash(overlay);
  m.header.transaction_id = 0x0102030405060708;
  m.header.destination_list = {node(0x99)};
  m.contents.message_code = 0x17;
  auto body = wire::encode_to_buffer(wire::PingReq{}).value();
  m.contents.message_body = body;
  auto contents = wire::encode_to_buffer(m.contents).value();
  auto sig = s.sign_message(m.header.overlay, m.header.transaction_id, contents, type).value();
  if (carry_certificate) m.security.certificates.push_back({wire::CertificateType::x509, s.certificate().der()});
  m.security.signature = sig.view();
  return wire::encode_message(m).value();
}

}  // namespace

TEST_CASE("signatures verify, and fail after any single byte of the input or signature changes") {
  for (auto type : {KeyType::ecdsa_p256, KeyType::rsa2048}) {
    auto ca = make_ca(type);
    auto leaf = make_leaf(ca, alice(), type);
    auto signer = Signer::make(leaf.key, leaf.cert, node(0x11)).value();
    // A realistic input: the signature input of a signed message.
    wire::Buffer input;
    wire::append_signature_input(input, 0x9aa32b8d, 77, wire::Buffer(60, 0x5a), wire::SignerIdentity{});
    auto sig = leaf.key.sign(input).value();
    CHECK_FALSE(verify_signature(leaf.cert, leaf.key.algorithm(), input, sig));
    for (std::size_t i = 0; i < input.size(); ++i) {
      auto bad = input;
      bad[i] ^= 0x01;
      CHECK(verify_signature(leaf.cert, leaf.key.algorithm(), bad, sig) == crypto_errc::bad_signature);
    }
    for (std::size_t i = 0; i < sig.size(); ++i) {
      auto bad = sig;
      bad[i] ^= 0x80;
      CHECK(verify_signature(leaf.cert, leaf.key.algorithm(), input, bad));
    }
    auto wrong = leaf.key.algorithm();
    wrong.signature = wrong.signature == wire::SignatureAlgorithm::rsa ? wire::SignatureAlgorithm::ecdsa
                                                                       : wire::SignatureAlgorithm::rsa;
    CHECK(verify_signature(leaf.cert, wrong, input, sig) == crypto_errc::unsupported_algorithm);
  }
}

TEST_CASE("a Signer refuses a key that is not its certificate's") {
  auto ca = make_ca();
  auto a = make_leaf(ca, alice());
  auto b = make_leaf(ca, alice());
  CHECK(Signer::make(a.key, b.cert, node(0x11)).error() == crypto_errc::key_mismatch);
}

TEST_CASE("a signed message verifies with either identity type, from the message or the cache") {
  auto ca = make_ca();
  auto leaf = make_leaf(ca, alice());
  auto signer = Signer::make(leaf.key, leaf.cert, node(0x11)).value();
  wire::CodecContext ctx;
  for (auto type : {wire::SignerIdentityType::cert_hash, wire::SignerIdentityType::cert_hash_node_id}) {
    CertificateCache cache{TrustStore(policy_for(ca))};
    auto bytes = encoded_ping(signer, type, true);
    auto m = wire::decode_message(bytes, ctx).value();
    auto who = verify_message(m, cache).value();
    CHECK(who.certificate == leaf.cert);
    if (type == wire::SignerIdentityType::cert_hash_node_id) CHECK(who.node_id == node(0x11));
    else CHECK(who.node_id.empty());
    // Another transaction id (bytes 20..27 of the header) breaks it.
    auto bad = bytes;
    bad[20] ^= 0x01;
    auto mb = wire::decode_message(bad, ctx).value();
    CHECK(verify_message(mb, cache).error() == crypto_errc::bad_signature);
  }
  // cert_hash without the certificate: found in the cache once it is there.
  CertificateCache cache{TrustStore(policy_for(ca))};
  auto bare = encoded_ping(signer, wire::SignerIdentityType::cert_hash, false);
  auto m = wire::decode_message(bare, ctx).value();
  CHECK(verify_message(m, cache).error() == crypto_errc::untrusted);
  cache.insert(leaf.cert);
  CHECK(verify_message(m, cache).has_value());
  // A certificate from another CA is refused.
  auto other = make_ca();
  CertificateCache strangers{TrustStore(policy_for(other))};
  auto carried = encoded_ping(signer, wire::SignerIdentityType::cert_hash, true);
  auto with_cert = wire::decode_message(carried, ctx).value();
  CHECK(verify_message(with_cert, strangers).error() == crypto_errc::untrusted);
}

TEST_CASE("stored data signatures cover value, kind, resource and storage time") {
  auto ca = make_ca();
  auto leaf = make_leaf(ca, alice());
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
  for (const auto& v : values) {
    auto sig = signer.sign_stored_data(resource, 5, 1000, v).value();
    wire::StoredData d{1000, 60, v, sig.view()};
    CHECK(verify_stored_data(d, resource, 5, certs, cache).has_value());
    CHECK(verify_stored_data(d, resource, 6, certs, cache).error() == crypto_errc::bad_signature);
    CHECK(verify_stored_data(d, wire::resource_id_of("bob@example.org"), 5, certs, cache).error() ==
          crypto_errc::bad_signature);
    auto later = d;
    later.storage_time = 1001;
    CHECK(verify_stored_data(later, resource, 5, certs, cache).error() == crypto_errc::bad_signature);
    wire::Buffer other{1, 2, 3, 5};
    auto changed = d;
    std::visit([&](auto& x) {
      using T = std::decay_t<decltype(x)>;
      if constexpr (std::is_same_v<T, wire::DataValue>) x.value = other;
      else if constexpr (std::is_same_v<T, wire::RawValue>) {}
      else x.value.value = other;
    }, changed.value);
    CHECK(verify_stored_data(changed, resource, 5, certs, cache).error() == crypto_errc::bad_signature);
  }
}
