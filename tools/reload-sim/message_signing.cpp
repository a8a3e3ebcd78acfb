#include "message_signing.hpp"

#include <chrono>
#include <stdexcept>

#include <fmt/format.h>

#include "crypto/private_key.hpp"
#include "sim_crypto.hpp"
#include "wire/codec.hpp"

namespace reload::sim {

namespace {

using namespace std::chrono_literals;

constexpr const char* overlay_name = "sim.example";

}  // namespace

MessageSigning::MessageSigning() {
  ca_.emplace(must(crypto::CertificateAuthority::create("reload-sim node CA", crypto::KeyType::ecdsa_p256, 24h * 365),
                   "making the CA"));
  key_.emplace(must(crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256), "making a key"));
  csr_.emplace(must(crypto::CertificateRequest::parse(must(crypto::make_certificate_request(*key_, ""), "a CSR")),
                    "a CSR"));
  crypto::TrustPolicy policy;
  policy.overlay = overlay_name;
  policy.roots = {ca_->certificate()};
  cache_ = std::make_unique<crypto::CertificateCache>(crypto::TrustStore(policy), 1 << 20);
}

const crypto::Signer& MessageSigning::signer_for(const wire::NodeId& id) {
  if (auto it = signers_.find(id); it != signers_.end()) return it->second;
  crypto::Identity who{{id}, overlay_name, fmt::format("node@{}", overlay_name), {}, {}, {}};
  auto signer = must(crypto::Signer::make(*key_, issue_certificate(*ca_, *csr_, who), id), "a node signer");
  return signers_.emplace(id, std::move(signer)).first->second;
}

void MessageSigning::seal(wire::Message& m, const wire::NodeId& signer) {
  const auto& s = signer_for(signer);
  const auto contents = must(wire::encode_to_buffer(m.contents), "encoding MessageContents");
  do {
    last_ = must(s.sign_message(m.header.overlay, m.header.transaction_id, contents,
                                wire::SignerIdentityType::cert_hash_node_id),
                 "signing a message");
  } while (last_.value.size() != signature_length);
  ++signed_;
  m.security.certificates.assign(1, {wire::CertificateType::x509, s.certificate().der()});
  m.security.signature = last_.view();
}

std::optional<wire::NodeId> MessageSigning::verify(const wire::Message& m) {
  auto v = crypto::verify_message(m, *cache_);
  if (!v || v->node_id.empty()) return std::nullopt;
  return v->node_id;
}

}  // namespace reload::sim
