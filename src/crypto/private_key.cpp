#include "crypto/private_key.hpp"

#include <fstream>
#include <sstream>

#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sys/stat.h>

#include "crypto/openssl_handles.hpp"
#include "crypto/signature_algorithm.hpp"

namespace reload::crypto {

using boost::system::error_code;

boost::system::result<PrivateKey> PrivateKey::generate(KeyType type) {
  EVP_PKEY* raw = type == KeyType::rsa2048 ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
  if (!raw) return make_error_code(crypto_errc::internal);
  return PrivateKey(std::shared_ptr<EVP_PKEY>(raw, EVP_PKEY_free));
}

boost::system::result<PrivateKey> PrivateKey::from_pem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return make_error_code(crypto_errc::internal);
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (!raw) return make_error_code(crypto_errc::bad_encoding);
  std::shared_ptr<EVP_PKEY> key(raw, EVP_PKEY_free);
  if (!key_algorithm(raw)) return make_error_code(crypto_errc::unsupported_algorithm);
  return PrivateKey(std::move(key));
}

boost::system::result<PrivateKey> PrivateKey::load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return error_code(errno ? errno : ENOENT, boost::system::generic_category());
  std::ostringstream s;
  s << in.rdbuf();
  return from_pem(s.str());
}

error_code PrivateKey::save(const std::filesystem::path& file) const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return make_error_code(crypto_errc::internal);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  auto tmp = file;
  tmp += ".tmp";
  // The key file is created 0600 before a byte is written, never widened afterwards.
  mode_t old = ::umask(077);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(data, n);
    if (!out) {
      ::umask(old);
      return error_code(EIO, boost::system::generic_category());
    }
  }
  ::umask(old);
  ::chmod(tmp.c_str(), 0600);
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  return ec ? error_code(ec.value(), boost::system::generic_category()) : error_code{};
}

wire::SignatureAndHashAlgorithm PrivateKey::algorithm() const noexcept {
  return {wire::HashAlgorithm::sha256, *key_algorithm(key_.get())};
}

wire::Buffer PrivateKey::public_key_der() const {
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(key_.get(), &der);
  if (n <= 0) return {};
  wire::Buffer out(der, der + n);
  OPENSSL_free(der);
  return out;
}

boost::system::result<wire::Buffer> PrivateKey::sign(wire::Bytes input) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1)
    return make_error_code(crypto_errc::internal);
  std::size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, input.data(), input.size()) != 1)
    return make_error_code(crypto_errc::internal);
  wire::Buffer sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, input.data(), input.size()) != 1)
    return make_error_code(crypto_errc::internal);
  sig.resize(len);
  return sig;
}

}  // namespace reload::crypto
