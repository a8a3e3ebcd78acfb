#include "transport/tls_context.hpp"

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include <openssl/ssl.h>

namespace reload::transport {

namespace ssl = boost::asio::ssl;

namespace {

// SSLKEYLOGFILE (NSS key log format), as curl and browsers write it. Appending lines from
// several threads is serialised; the file is opened once.
void write_key_log(const SSL*, const char* line) {
  static std::mutex m;
  static std::FILE* f = [] {
    const char* path = std::getenv("SSLKEYLOGFILE");
    return path && *path ? std::fopen(path, "a") : nullptr;
  }();
  if (!f) return;
  std::lock_guard lock(m);
  std::fprintf(f, "%s\n", line);
  std::fflush(f);
}

}  // namespace

boost::system::result<std::shared_ptr<ssl::context>> make_tls_context(const TlsIdentity& id) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls);
  SSL_CTX* native = ctx->native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1)
    return make_error_code(crypto_errc::internal);
  if (SSL_CTX_use_certificate(native, id.certificate.native()) != 1 ||
      SSL_CTX_use_PrivateKey(native, id.key.native()) != 1 ||
      SSL_CTX_check_private_key(native) != 1)
    return make_error_code(crypto_errc::key_mismatch);
  // Both ends present certificates; whether they are good is the overlay's question.
  SSL_CTX_set_verify(native, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                     [](int, X509_STORE_CTX*) { return 1; });
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
  if (std::getenv("SSLKEYLOGFILE")) SSL_CTX_set_keylog_callback(native, write_key_log);
  return ctx;
}

}  // namespace reload::transport
