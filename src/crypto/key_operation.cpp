#include "crypto/key_operation.hpp"

#include <array>

#include <openssl/evp.h>

#include <reload/errors.hpp>

namespace reload::crypto {

namespace {

// Fetched once, for the same reason as SHA-1 in wire/hashes.cpp.
const EVP_MD* sha256_algorithm() {
  static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md(EVP_MD_fetch(nullptr, "SHA256", nullptr),
                                                                   &EVP_MD_free);
  return md.get();
}

bool digest(wire::Bytes input, std::array<unsigned char, 32>& out) {
  unsigned int n = 0;
  const EVP_MD* md = sha256_algorithm();
  return md && EVP_Digest(input.data(), input.size(), out.data(), &n, md, nullptr) == 1 && n == out.size();
}

}  // namespace

void KeyOperation::Free::operator()(EVP_PKEY_CTX* ctx) const noexcept { EVP_PKEY_CTX_free(ctx); }

KeyOperation::KeyOperation() = default;
KeyOperation::~KeyOperation() = default;

boost::system::result<wire::Buffer> KeyOperation::sign(EVP_PKEY* key, wire::Bytes input) {
  std::array<unsigned char, 32> md{};
  if (!digest(input, md)) return make_error_code(crypto_errc::internal);
  std::lock_guard lock(mutex_);
  if (!ctx_) {
    std::unique_ptr<EVP_PKEY_CTX, Free> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_signature_md(ctx.get(), sha256_algorithm()) != 1)
      return make_error_code(crypto_errc::internal);
    ctx_ = std::move(ctx);
  }
  std::size_t len = 0;
  if (EVP_PKEY_sign(ctx_.get(), nullptr, &len, md.data(), md.size()) != 1)
    return make_error_code(crypto_errc::internal);
  wire::Buffer sig(len);
  if (EVP_PKEY_sign(ctx_.get(), sig.data(), &len, md.data(), md.size()) != 1)
    return make_error_code(crypto_errc::internal);
  sig.resize(len);
  return sig;
}

boost::system::error_code KeyOperation::verify(EVP_PKEY* key, wire::Bytes input, wire::Bytes signature) {
  std::array<unsigned char, 32> md{};
  if (!digest(input, md)) return make_error_code(crypto_errc::internal);
  std::lock_guard lock(mutex_);
  if (!ctx_) {
    std::unique_ptr<EVP_PKEY_CTX, Free> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_signature_md(ctx.get(), sha256_algorithm()) != 1)
      return make_error_code(crypto_errc::internal);
    ctx_ = std::move(ctx);
  }
  if (EVP_PKEY_verify(ctx_.get(), signature.data(), signature.size(), md.data(), md.size()) != 1)
    return make_error_code(crypto_errc::bad_signature);
  return {};
}

}  // namespace reload::crypto
