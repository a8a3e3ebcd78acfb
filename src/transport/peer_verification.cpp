#include "transport/peer_verification.hpp"

#include <openssl/ssl.h>

#include "crypto/openssl_handles.hpp"

namespace reload::transport {

boost::system::result<PeerIdentity> verify_peer(SSL* ssl, crypto::CertificateCache& cache,
                                                const std::optional<wire::NodeId>& expected) {
  crypto::X509Ptr leaf(SSL_get1_peer_certificate(ssl));
  if (!leaf) return make_error_code(crypto_errc::untrusted);
  unsigned char* der = nullptr;
  int len = i2d_X509(leaf.get(), &der);
  if (len <= 0) return make_error_code(crypto_errc::bad_encoding);
  wire::Buffer bytes(der, der + len);
  OPENSSL_free(der);
  // A chain longer than root -> leaf would need the intermediates the peer sent; overlay
  // CAs issue leaves directly (reload-enroll-server), so the leaf is verified on its own.
  auto cert = cache.verified(bytes);
  if (!cert) return cert.error();
  const auto& overlay = cache.trust().policy().overlay;
  PeerIdentity peer{*cert, cert->node_ids(overlay)};
  if (expected && !cert->has_node_id(*expected, overlay)) return make_error_code(crypto_errc::no_node_id);
  return peer;
}

}  // namespace reload::transport
