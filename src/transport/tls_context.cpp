#include "transport/tls_context.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/ssl.h>

#include "crypto/key_log.hpp"
#include "crypto/random.hpp"

namespace reload::transport {

namespace ssl = boost::asio::ssl;

namespace {

// DTLS cookies (RFC 6347 section 4.2.1): an HMAC, under a key drawn once per process, of a
// number given to each server-side SSL object, so that a cookie is good for one flow only
// and unguessable for a host that does not receive the HelloVerifyRequest.
constexpr unsigned cookie_length = 32;

int cookie_number_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

// False (and the handshake fails) when there is no key: this runs inside OpenSSL, where no
// exception may pass.
bool compute_cookie(SSL* ssl, unsigned char* out) {
  static const auto key = []() -> std::optional<std::array<std::uint8_t, 32>> {
    std::array<std::uint8_t, 32> k{};
    if (!crypto::fill_random(k)) return std::nullopt;
    return k;
  }();
  const auto number = reinterpret_cast<std::uintptr_t>(SSL_get_ex_data(ssl, cookie_number_index()));
  unsigned length = 0;
  return key && number != 0 &&
         HMAC(EVP_sha256(), key->data(), key->size(), reinterpret_cast<const unsigned char*>(&number), sizeof number,
              out, &length) != nullptr &&
         length == cookie_length;
}

int generate_cookie(SSL* ssl, unsigned char* cookie, unsigned* length) {
  *length = cookie_length;
  return compute_cookie(ssl, cookie) ? 1 : 0;
}

int verify_cookie(SSL* ssl, const unsigned char* cookie, unsigned length) {
  std::array<unsigned char, cookie_length> expected{};
  return length == cookie_length && compute_cookie(ssl, expected.data()) &&
                 CRYPTO_memcmp(cookie, expected.data(), cookie_length) == 0
             ? 1
             : 0;
}

}  // namespace

void require_cookie_exchange(SSL* ssl) {
  static std::atomic<std::uintptr_t> next{1};
  SSL_set_ex_data(ssl, cookie_number_index(), reinterpret_cast<void*>(next++));
  SSL_set_options(ssl, SSL_OP_COOKIE_EXCHANGE);
}

boost::system::result<std::shared_ptr<ssl::context>> make_tls_context(const TlsIdentity& id, TlsFlavor flavor) {
  std::shared_ptr<ssl::context> ctx;
  if (flavor == TlsFlavor::dtls) {
    SSL_CTX* dtls = SSL_CTX_new(DTLS_method());
    if (!dtls) return make_error_code(crypto_errc::internal);
    ctx = std::make_shared<ssl::context>(dtls);  // takes the reference
    // Used only where a server asks for the exchange (require_cookie_exchange).
    SSL_CTX_set_cookie_generate_cb(dtls, generate_cookie);
    SSL_CTX_set_cookie_verify_cb(dtls, verify_cookie);
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
