#include "config/signature_check.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <openssl/evp.h>

#include "crypto/signing.hpp"
#include "crypto/trust_store.hpp"
#include "wire/codec.hpp"
#include "wire/security_block.hpp"

namespace reload::config {

using boost::system::result;

namespace {

struct Refusal {
  ConfigErrc code;
  std::string reason;
};

std::optional<wire::Buffer> digest(wire::HashAlgorithm alg, wire::Bytes a, wire::Bytes b) {
  const EVP_MD* md = alg == wire::HashAlgorithm::sha256 ? EVP_sha256()
                     : alg == wire::HashAlgorithm::sha1 ? EVP_sha1()
                                                        : nullptr;
  if (!md) return std::nullopt;
  wire::Buffer in(a.begin(), a.end());
  in.insert(in.end(), b.begin(), b.end());
  wire::Buffer out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (EVP_Digest(in.data(), in.size(), out.data(), &len, md, nullptr) != 1) return std::nullopt;
  out.resize(len);
  return out;
}

std::string join_hex(const std::vector<wire::NodeId>& ids) {
  std::string s;
  for (const auto& id : ids) s += (s.empty() ? "" : ", ") + id.hex();
  return s.empty() ? "none" : s;
}

// Who may sign, for one check.
struct Authority {
  crypto::TrustPolicy policy;                      // trust anchors and the overlay name
  std::function<bool(const wire::NodeId&)> allowed;  // configuration-signer / kind-signer
  std::function<bool(const wire::NodeId&)> bad;      // bad-node
  std::string role;                                // for messages
};

// Verifies that the encoded SecurityBlock `block` signs `input` and that its signer is
// trusted and allowed by `auth`.
result<void, Refusal> verify_blob(wire::Bytes block_bytes, wire::Bytes input, const Authority& auth,
                                  Configuration::Clock::time_point now) {
  wire::CodecContext ctx;
  ctx.node_id_length = auth.policy.node_id_length;
  wire::DecodeError detail;
  auto block = wire::decode_exact<wire::SecurityBlock>(block_bytes, ctx, &detail);
  if (!block)
    return Refusal{ConfigErrc::bad_signature, "not a SecurityBlock (" + detail.message() + ")"};
  if (block->certificates.empty())
    return Refusal{ConfigErrc::bad_signature, "the SecurityBlock carries no certificate"};

  std::vector<crypto::Certificate> certs;
  for (std::size_t i = 0; i < block->certificates.size(); ++i) {
    const auto& g = block->certificates[i];
    auto c = g.type == wire::CertificateType::x509
                 ? crypto::Certificate::from_der(g.certificate)
                 : boost::system::result<crypto::Certificate>(make_error_code(crypto_errc::bad_encoding));
    if (!c)
      return Refusal{ConfigErrc::bad_signature, "certificate " + std::to_string(i + 1) +
                                                    " of the SecurityBlock: " + c.error().message()};
    certs.push_back(*c);
  }

  // The signer: the certificate the SignerIdentity names (section 6.3.4).
  const auto& sig = block->signature;
  const auto& ident = sig.identity;
  std::optional<std::size_t> signer;
  std::optional<wire::NodeId> bound_id;  // cert_hash_node_id: the Node-ID it signed as
  if (ident.identity_type != wire::SignerIdentityType::cert_hash &&
      ident.identity_type != wire::SignerIdentityType::cert_hash_node_id)
    return Refusal{ConfigErrc::bad_signature,
                   "the signer identity must be cert_hash or cert_hash_node_id"};
  if (ident.hash_alg != wire::HashAlgorithm::sha256 && ident.hash_alg != wire::HashAlgorithm::sha1)
    return Refusal{ConfigErrc::bad_signature, "unsupported signer identity hash"};
  for (std::size_t i = 0; i < certs.size() && !signer; ++i) {
    if (ident.identity_type == wire::SignerIdentityType::cert_hash) {
      auto h = digest(ident.hash_alg, {}, certs[i].der());
      if (h && wire::equal_bytes(*h, ident.hash)) signer = i;
    } else {
      for (const auto& id : certs[i].node_ids(auth.policy.overlay)) {
        auto h = digest(ident.hash_alg, id.bytes(), certs[i].der());
        if (h && wire::equal_bytes(*h, ident.hash)) {
          signer = i;
          bound_id = id;
          break;
        }
      }
    }
  }
  if (!signer)
    return Refusal{ConfigErrc::bad_signature,
                   "no certificate of the SecurityBlock matches the signer identity"};
  const auto& cert = certs[*signer];
  std::vector<crypto::Certificate> intermediates;
  for (std::size_t i = 0; i < certs.size(); ++i)
    if (i != *signer) intermediates.push_back(certs[i]);

  if (auto ec = crypto::TrustStore(auth.policy).verify(cert, intermediates, now))
    return Refusal{ConfigErrc::untrusted_signer,
                   "the signer's certificate is not trusted in " + auth.policy.overlay + " (" +
                       ec.message() + ")"};
  auto ids = cert.node_ids(auth.policy.overlay);
  for (const auto& id : ids)
    if (auth.bad(id))
      return Refusal{ConfigErrc::untrusted_signer,
                     "the signer's Node-ID " + id.hex() + " is a bad-node"};

  if (auto ec = crypto::verify_signature(cert, sig.algorithm, input, sig.signature_value))
    return Refusal{ConfigErrc::bad_signature,
                   "the signature does not verify over the signed bytes (" + ec.message() +
                       "); the element was changed after signing, or signed by another key"};

  std::vector<wire::NodeId> acting = bound_id ? std::vector<wire::NodeId>{*bound_id} : ids;
  if (std::none_of(acting.begin(), acting.end(), auth.allowed))
    return Refusal{ConfigErrc::not_a_signer,
                   "signed by Node-ID " + join_hex(acting) + ", which is not a " + auth.role};
  return {};
}

ConfigError at(const SignedConfiguration& sc, unsigned line, std::string element, Refusal r) {
  return ConfigError{r.code, sc.source_name, line, std::move(element), std::move(r.reason)};
}

}  // namespace

result<void, ConfigError> verify_configuration_signature(const SignedConfiguration& sc,
                                                         const VerifyOptions& options) {
  const Configuration& anchor = options.previous ? *options.previous : sc.config;
  if (sc.signatures.empty())
    return at(sc, sc.line, "configuration",
              {ConfigErrc::unsigned_document, "no <signature> follows this configuration"});
  if (anchor.configuration_signers.empty())
    return at(sc, sc.line, "configuration",
              {ConfigErrc::not_a_signer,
               std::string(options.previous ? "the configuration in force" : "the configuration") +
                   " names no configuration-signer, so nobody may sign it"});
  Authority auth{anchor.trust_policy(),
                 [&](const wire::NodeId& id) { return anchor.is_configuration_signer(id); },
                 [&](const wire::NodeId& id) {
                   return sc.config.is_bad_node(id) || anchor.is_bad_node(id);
                 },
                 options.previous ? "configuration-signer of the configuration in force"
                                  : "configuration-signer"};
  std::optional<ConfigError> first;
  for (const auto& s : sc.signatures) {
    auto r = verify_blob(s.security_block, wire::as_bytes(sc.text), auth, options.now);
    if (r) return {};
    if (!first) first = at(sc, s.line, "signature", r.error());
  }
  return *first;
}

result<void, ConfigError> verify_kind_signatures(const SignedConfiguration& sc,
                                                 const VerifyOptions& options) {
  const Configuration& c = sc.config;
  Authority auth{c.trust_policy(), [&](const wire::NodeId& id) { return c.is_kind_signer(id); },
                 [&](const wire::NodeId& id) { return c.is_bad_node(id); }, "kind-signer"};
  for (const auto& k : c.kinds) {
    if (k.signature.empty())
      return at(sc, k.line, "kind",
                {ConfigErrc::unsigned_document,
                 "Kind " + std::to_string(k.id) + " has no <kind-signature>"});
    auto r = verify_blob(k.signature, wire::as_bytes(k.signed_text), auth, options.now);
    if (!r) {
      Refusal refusal = r.error();  // error() returns a copy
      refusal.reason = "kind-signature of Kind " + std::to_string(k.id) + ": " + refusal.reason;
      return at(sc, k.line, "kind", std::move(refusal));
    }
  }
  return {};
}

result<void, ConfigError> verify_signed_configuration(const SignedConfiguration& sc,
                                                      const VerifyOptions& options) {
  if (auto r = verify_configuration_signature(sc, options); !r) return r;
  return verify_kind_signatures(sc, options);
}

}  // namespace reload::config
