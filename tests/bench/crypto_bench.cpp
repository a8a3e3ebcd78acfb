// Signature throughput on one core: RSA-2048 (PKCS#1 v1.5) and ECDSA P-256, both with
// SHA-256, over the signature input of a real StoreReq; and verify_message on that StoreReq
// with the signer's certificate already in the cache (the common case: a peer's certificate
// is verified once, its messages many times) and with a cold cache (chain verified too).
// Keys and certificates are made at start; nothing is read from disk.
// Prints figures; it is not a test and never fails on a slow machine.
//   build/tests/bench/crypto_bench [seconds per case, default 1]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "crypto/certificate_cache.hpp"
#include "crypto/issuance.hpp"
#include "crypto/signing.hpp"
#include "rounds.hpp"
#include "sample_messages.hpp"
#include "wire/message.hpp"

using namespace reload;
using namespace reload::crypto;
using namespace std::chrono_literals;

namespace {
volatile std::uint64_t sink;  // keeps the optimiser from dropping the work

// Operations take microseconds to milliseconds here, so batches are small.
template <class F>
void run(const char* name, double seconds, F&& once) {
  auto r = reload::bench::measure(seconds, 10, once);
  std::printf("%-46s %9.0f /s median %9.0f /s best %8.1f us/op\n", name, r.median, r.best, 1e6 / r.median);
}

struct Party {
  CertificateAuthority ca;
  PrivateKey key;
  Certificate cert;
};

Party make_party(KeyType type) {
  auto ca = CertificateAuthority::create("Bench CA", type, 24h).value();
  auto key = PrivateKey::generate(type).value();
  auto csr = CertificateRequest::parse(make_certificate_request(key, "").value()).value();
  auto id = *wire::NodeId::from_hex("00112233445566778899aabbccddeeff");
  Identity who{{id}, test::sample_overlay_name, "bench@example.org", std::string("bench@example.org"), {}, {}};
  auto cert = ca.issue(csr, who, 24h).value();
  return {std::move(ca), std::move(key), std::move(cert)};
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  wire::CodecContext ctx;
  ctx.data_models = &test::sample_data_models();
  const wire::Buffer store = test::sample_store_req(10);
  const auto msg = wire::decode_message(store, ctx).value();

  for (auto type : {KeyType::rsa2048, KeyType::ecdsa_p256}) {
    const char* label = type == KeyType::rsa2048 ? "RSA-2048" : "ECDSA P-256";
    auto party = make_party(type);
    auto node = party.cert.node_ids(test::sample_overlay_name).front();
    auto signer = Signer::make(party.key, party.cert, node).value();

    // The real input: overlay || transaction_id || MessageContents || SignerIdentity.
    auto identity = signer.sign_message(0, 0, {}).value();
    wire::Buffer input;
    wire::append_signature_input(input, msg.header.overlay, msg.header.transaction_id, msg.encoded_contents,
                                 identity.identity());
    auto sig = party.key.sign(input).value();

    // The StoreReq signed for real, carrying the signer's certificate.
    auto real = signer.sign_message(msg.header.overlay, msg.header.transaction_id, msg.encoded_contents).value();
    wire::Message m = msg;
    m.security.certificates = {{wire::CertificateType::x509, party.cert.der()}};
    m.security.signature = real.view();
    const wire::Buffer signed_store = wire::encode_message(m).value();
    const auto decoded = wire::decode_message(signed_store, ctx).value();

    std::printf("%s: signature input %zu bytes (StoreReq of %zu bytes, 10 XMPP-LOCATION entries), "
                "signature %zu bytes, certificate %zu bytes\n",
                label, input.size(), signed_store.size(), sig.size(), party.cert.der().size());

    TrustPolicy policy;
    policy.overlay = test::sample_overlay_name;
    policy.roots = {party.ca.certificate()};
    TrustStore trust(policy);
    CertificateCache warm(trust);
    if (!verify_message(decoded, warm)) {
      std::fprintf(stderr, "the signed StoreReq does not verify\n");
      return 1;
    }

    char name[64];
    std::snprintf(name, sizeof name, "%s sign", label);
    run(name, seconds, [&] { sink = sink + party.key.sign(input).value().size(); });
    std::snprintf(name, sizeof name, "%s verify", label);
    run(name, seconds, [&] {
      sink = sink + !verify_signature(party.cert, party.key.algorithm(), input, sig);
    });
    std::snprintf(name, sizeof name, "%s verify_message, cached certificate", label);
    run(name, seconds, [&] { sink = sink + verify_message(decoded, warm).has_value(); });
    std::snprintf(name, sizeof name, "%s verify_message, cold cache", label);
    run(name, seconds, [&] {
      CertificateCache cold(trust);
      sink = sink + verify_message(decoded, cold).has_value();
    });
  }
  return 0;
}
