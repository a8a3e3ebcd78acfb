#include "transport/tls_context.hpp"

#include <openssl/ssl.h>

#include "crypto/key_log.hpp"

namespace reload::transport {

namespace ssl = boost::asio::ssl;

boost::system::result<std::shared_ptr<ssl::context>> make_tls_context(const TlsIdentity& id, TlsFlavor flavor) {
  std::shared_ptr<ssl::context> ctx;
  if (flavor == TlsFlavor::dtls) {
    SSL_CTX* dtls = SSL_CTX_new(DTLS_method());
    if (!dtls) return make_error_code(crypto_errc::internal);
    ctx = std::make_shared<ssl::context>(dtls);  // takes the reference
  } else {
    ctx = std::make_shared<ssl::context>(ssl::context::tls);
  }
  SSL_CTX* native = ctx->native_handle();
  if (SSL_CTX_set_min_proto_version(native, flavor == TlsFlavor::dtls ? DTLS1_2_VERSION : TLS1_2_VERSION) != 1)
    return make_error_code(crypto_errc::internal);
  if (SSL_CTX_use_certificate(native, id.certificate.native()) != 1 ||
      SSL_CTX_use_PrivateKey(native, id.key.native()) != 1 ||
      SSL_CTX_check_private_key(native) != 1)
    return make_error_code(crypto_errc::key_mismatch);
  for (const auto& c : id.intermediates)
    if (SSL_CTX_add1_chain_cert(native, c.native()) != 1) return make_error_code(crypto_errc::internal);
  // Both ends present certificates; whether they are good is the overlay's question.
  SSL_CTX_set_verify(native, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                     [](int, X509_STORE_CTX*) { return 1; });
  // No resumption: links are long-lived and a fresh handshake re-checks the certificate.
  // So no TLS 1.3 tickets either, which would cost the server an encryption and the client
  // memory on every handshake.
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(native, 0);
  crypto::enable_key_log(native);
  return ctx;
}

}  // namespace reload::transport
