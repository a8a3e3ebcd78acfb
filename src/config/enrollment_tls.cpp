#include "config/enrollment_tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "crypto/key_log.hpp"

namespace reload::config {

namespace ssl = boost::asio::ssl;

namespace {

std::string openssl_reason() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "OpenSSL failed";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

bool common_setup(SSL_CTX* ctx) {
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) return false;
  crypto::enable_key_log(ctx);
  return true;
}

}  // namespace

boost::system::result<std::shared_ptr<ssl::context>, std::string> make_https_client_context(
    const std::optional<std::filesystem::path>& ca_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  if (!common_setup(ctx->native_handle())) return "TLS set-up: " + openssl_reason();
  ctx->set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  if (ca_file) {
    ctx->load_verify_file(ca_file->string(), ec);
    if (ec) return ca_file->string() + ": not a PEM CA file (" + ec.message() + ")";
  } else {
    ctx->set_default_verify_paths(ec);
    if (ec) return "the system's CA certificates: " + ec.message();
  }
  return ctx;
}

boost::system::result<std::shared_ptr<ssl::context>, std::string> make_https_server_context(
    const crypto::PrivateKey& key, const crypto::Certificate& certificate,
    const std::vector<crypto::Certificate>& chain) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  if (!common_setup(native)) return "TLS set-up: " + openssl_reason();
  if (SSL_CTX_use_certificate(native, certificate.native()) != 1 ||
      SSL_CTX_use_PrivateKey(native, key.native()) != 1 || SSL_CTX_check_private_key(native) != 1)
    return "TLS set-up: the key does not match the certificate (" + openssl_reason() + ")";
  for (const auto& c : chain)
    if (SSL_CTX_add1_chain_cert(native, c.native()) != 1) return "TLS set-up: " + openssl_reason();
  SSL_CTX_set_verify(native, SSL_VERIFY_NONE, nullptr);
  return ctx;
}

}  // namespace reload::config
