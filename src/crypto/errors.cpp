#include <string>

#include <reload/errors.hpp>

namespace reload {

namespace {
class CryptoCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "reload.crypto"; }
  std::string message(int ev) const override {
    switch (static_cast<crypto_errc>(ev)) {
      case crypto_errc::bad_encoding: return "not a valid DER or PEM encoding";
      case crypto_errc::unsupported_algorithm: return "unsupported key or signature algorithm";
      case crypto_errc::bad_signature: return "signature does not verify";
      case crypto_errc::untrusted: return "certificate does not chain to a root of the overlay";
      case crypto_errc::expired: return "certificate has expired";
      case crypto_errc::not_yet_valid: return "certificate is not yet valid";
      case crypto_errc::not_a_ca: return "issuer is not a CA (basicConstraints)";
      case crypto_errc::wrong_overlay: return "certificate names no Node-ID of this overlay";
      case crypto_errc::no_node_id: return "certificate does not carry the expected Node-ID";
      case crypto_errc::self_signed_mismatch: return "self-signed Node-ID is not the digest of the key";
      case crypto_errc::self_signed_not_permitted: return "self-signed certificates are not permitted";
      case crypto_errc::bad_csr: return "bad certificate signing request";
      case crypto_errc::key_mismatch: return "private key does not belong to the certificate";
      case crypto_errc::internal: return "OpenSSL failed";
    }
    return "unknown crypto error";
  }
};
}  // namespace

const boost::system::error_category& crypto_category() noexcept {
  static const CryptoCategory c;
  return c;
}

}  // namespace reload
