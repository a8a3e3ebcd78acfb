#include "crypto/trust_store.hpp"

#include <openssl/evp.h>

#include "crypto/openssl_handles.hpp"
#include "crypto/signature_algorithm.hpp"

namespace reload::crypto {

using boost::system::error_code;

wire::NodeId self_signed_node_id(wire::Bytes spki_der, wire::HashAlgorithm digest,
                                 std::uint32_t index, std::size_t node_id_length) {
  if (node_id_length < wire::NodeId::min_size || node_id_length > wire::NodeId::max_size) return {};
  const EVP_MD* md = nullptr;
  switch (digest) {
    case wire::HashAlgorithm::sha1: md = EVP_sha1(); break;
    case wire::HashAlgorithm::sha256: md = EVP_sha256(); break;
    case wire::HashAlgorithm::sha384: md = EVP_sha384(); break;
    case wire::HashAlgorithm::sha512: md = EVP_sha512(); break;
    default: return {};
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) return {};
  if (index != 0) {
    const unsigned char be[4] = {static_cast<unsigned char>(index >> 24), static_cast<unsigned char>(index >> 16),
                                 static_cast<unsigned char>(index >> 8), static_cast<unsigned char>(index)};
    EVP_DigestUpdate(ctx.get(), be, 4);
  }
  if (EVP_DigestUpdate(ctx.get(), spki_der.data(), spki_der.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out, &n) != 1 || n < node_id_length)
    return {};
  return wire::NodeId(wire::Bytes(out, node_id_length));
}

TrustStore::TrustStore(TrustPolicy policy) : policy_(std::move(policy)) {
  // Built once and never changed, so copies of the TrustStore share it. A store that
  // cannot be made stays null and verify() refuses every chain.
  X509StorePtr store(X509_STORE_new());
  if (!store) return;
  for (const auto& root : policy_.roots)
    if (X509_STORE_add_cert(store.get(), root.native()) != 1) return;
  store_ = std::shared_ptr<void>(store.release(), [](void* s) { X509_STORE_free(static_cast<X509_STORE*>(s)); });
}

namespace {

error_code map_verify_error(int e) {
  switch (e) {
    case X509_V_ERR_CERT_HAS_EXPIRED: return make_error_code(crypto_errc::expired);
    case X509_V_ERR_CERT_NOT_YET_VALID: return make_error_code(crypto_errc::not_yet_valid);
    case X509_V_ERR_INVALID_CA:
    case X509_V_ERR_INVALID_PURPOSE:
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN: return make_error_code(crypto_errc::not_a_ca);
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE: return make_error_code(crypto_errc::bad_signature);
    case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
    case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD: return make_error_code(crypto_errc::bad_encoding);
    default: return make_error_code(crypto_errc::untrusted);
  }
}

void free_stack(STACK_OF(X509)* s) { sk_X509_free(s); }  // the certificates are not owned
using StackPtr = OpenSslPtr<STACK_OF(X509), free_stack>;

}  // namespace

error_code TrustStore::verify(const Certificate& leaf, std::span<const Certificate> intermediates,
                              Clock::time_point now) const {
  if (leaf.is_ca()) return make_error_code(crypto_errc::untrusted);  // roots and CAs are never peers
  // A peer whose key cannot sign RELOAD messages (say P-384 or Ed25519) is of no use in the
  // overlay even if a root vouches for it.
  if (!key_algorithm(X509_get0_pubkey(leaf.native()))) return make_error_code(crypto_errc::unsupported_algorithm);
  const auto ids = leaf.node_ids(policy_.overlay);
  const bool any_uri = !leaf.reload_uris().empty();

  if (leaf.is_self_signed()) {
    if (!policy_.self_signed_permitted) return make_error_code(crypto_errc::self_signed_not_permitted);
    if (auto ec = leaf.valid_at(now)) return ec;
    if (ids.empty()) return make_error_code(any_uri ? crypto_errc::wrong_overlay : crypto_errc::no_node_id);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      auto want = self_signed_node_id(leaf.public_key_der(), policy_.self_signed_digest,
                                      ids.size() == 1 ? 0 : static_cast<std::uint32_t>(i + 1),
                                      policy_.node_id_length);
      if (want.empty() || ids[i] != want) return make_error_code(crypto_errc::self_signed_mismatch);
    }
    return {};
  }

  if (!store_) return make_error_code(crypto_errc::internal);
  StackPtr chain(sk_X509_new_null());
  if (!chain) return make_error_code(crypto_errc::internal);
  for (const auto& c : intermediates)
    if (sk_X509_push(chain.get(), c.native()) <= 0) return make_error_code(crypto_errc::internal);
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), static_cast<X509_STORE*>(store_.get()), leaf.native(), chain.get()) != 1)
    return make_error_code(crypto_errc::internal);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, Clock::to_time_t(now));
  // Overlay certificates are used by both ends of every link: no TLS purpose is imposed.
  if (X509_verify_cert(ctx.get()) != 1) return map_verify_error(X509_STORE_CTX_get_error(ctx.get()));
  if (ids.empty()) return make_error_code(any_uri ? crypto_errc::wrong_overlay : crypto_errc::no_node_id);
  for (const auto& id : ids)
    if (id.size() != policy_.node_id_length) return make_error_code(crypto_errc::no_node_id);
  return {};
}

}  // namespace reload::crypto
