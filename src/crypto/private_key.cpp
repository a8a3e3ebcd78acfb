#include "crypto/private_key.hpp"

#include <cerrno>

#include <openssl/crypto.h>
#include <openssl/pem.h>

#include "crypto/atomic_file.hpp"
#include "crypto/key_operation.hpp"
#include "crypto/openssl_handles.hpp"
#include "crypto/signature_algorithm.hpp"
#include "reload/file_io.hpp"

namespace reload::crypto {

using boost::system::error_code;

PrivateKey::PrivateKey(std::shared_ptr<EVP_PKEY> key)
    : key_(std::move(key)), signing_(std::make_shared<KeyOperation>()) {}

boost::system::result<PrivateKey> PrivateKey::generate(KeyType type) {
  EVP_PKEY* raw = type == KeyType::rsa2048 ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
  if (!raw) return make_error_code(crypto_errc::internal);
  return PrivateKey(std::shared_ptr<EVP_PKEY>(raw, EVP_PKEY_free));
}

namespace {

// An encrypted PEM key is refused instead of OpenSSL's default of asking on the terminal,
// which would block a daemon.
int no_passphrase(char*, int, int, void*) { return -1; }

}  // namespace

boost::system::result<PrivateKey> PrivateKey::from_pem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return make_error_code(crypto_errc::internal);
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr);
  if (!raw) return make_error_code(crypto_errc::bad_encoding);
  std::shared_ptr<EVP_PKEY> key(raw, EVP_PKEY_free);
  if (!key_algorithm(raw)) return make_error_code(crypto_errc::unsupported_algorithm);
  return PrivateKey(std::move(key));
}

boost::system::result<PrivateKey> PrivateKey::load(const std::filesystem::path& file) {
  auto read = read_file(file);
  if (!read) return read.error();
  std::string& pem = *read;
  auto key = from_pem(pem);
  OPENSSL_cleanse(pem.data(), pem.size());
  return key;
}

error_code PrivateKey::save(const std::filesystem::path& file) const {
  // Secure memory (where OpenSSL has it) and cleared on free: the PEM holds the key.
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return make_error_code(crypto_errc::internal);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  if (n <= 0 || !data) return make_error_code(crypto_errc::internal);

  return write_file_atomically(file, std::string_view(data, static_cast<std::size_t>(n)), 0600);
}

wire::SignatureAndHashAlgorithm PrivateKey::algorithm() const noexcept {
  return {wire::HashAlgorithm::sha256, *key_algorithm(key_.get())};
}

wire::Buffer PrivateKey::public_key_der() const {
  return to_der<EVP_PKEY>(key_.get(), i2d_PUBKEY);
}

boost::system::result<wire::Buffer> PrivateKey::sign(wire::Bytes input) const {
  return signing_->sign(key_.get(), input);
}

}  // namespace reload::crypto
