#include "transport/peer_verification.hpp"

#include <openssl/ssl.h>

#include "crypto/openssl_handles.hpp"

namespace reload::transport {

namespace {

boost::system::result<wire::Buffer> der_of(X509* x) {
  unsigned char* der = nullptr;
  int len = i2d_X509(x, &der);
  if (len <= 0) return make_error_code(crypto_errc::bad_encoding);
  wire::Buffer bytes(der, der + len);
  OPENSSL_free(der);
  return bytes;
}

}  // namespace

boost::system::result<PeerIdentity> verify_peer(SSL* ssl, crypto::CertificateCache& cache,
                                                const std::optional<wire::NodeId>& expected) {
  crypto::X509Ptr leaf(SSL_get1_peer_certificate(ssl));
  if (!leaf) return make_error_code(crypto_errc::untrusted);
  auto leaf_der = der_of(leaf.get());
  if (!leaf_der) return leaf_der.error();
  // What else the peer sent (a subordinate CA's certificate, say). As a server's chain it
  // starts with the leaf itself; that copy is skipped.
  std::vector<crypto::Certificate> intermediates;
  if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl)) {
    for (int i = 0; i < sk_X509_num(chain); ++i) {
      auto der = der_of(sk_X509_value(chain, i));
      if (!der || wire::equal_bytes(*der, *leaf_der)) continue;
      if (auto c = crypto::Certificate::from_der(*der)) intermediates.push_back(std::move(*c));
    }
  }
  auto cert = cache.verified(*leaf_der, crypto::CertificateCache::Clock::now(), intermediates);
  if (!cert) return cert.error();
  const auto& overlay = cache.trust().policy().overlay;
  PeerIdentity peer{*cert, cert->node_ids(overlay)};
  if (expected && !cert->has_node_id(*expected, overlay)) return make_error_code(crypto_errc::no_node_id);
  return peer;
}

}  // namespace reload::transport
