#include "crypto/key_operation.hpp"

#include <openssl/evp.h>

#include <reload/errors.hpp>

#include "wire/hashes.hpp"

namespace reload::crypto {

void KeyOperation::Free::operator()(EVP_PKEY_CTX* ctx) const noexcept { EVP_PKEY_CTX_free(ctx); }

KeyOperation::KeyOperation() = default;
KeyOperation::~KeyOperation() = default;

EVP_PKEY_CTX* KeyOperation::context(EVP_PKEY* key, Kind kind) {
  if (ctx_) return ctx_.get();
  std::unique_ptr<EVP_PKEY_CTX, Free> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || (kind == Kind::sign ? EVP_PKEY_sign_init(ctx.get()) : EVP_PKEY_verify_init(ctx.get())) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1)
    return nullptr;
  ctx_ = std::move(ctx);
  return ctx_.get();
}

boost::system::result<wire::Buffer> KeyOperation::sign(EVP_PKEY* key, wire::Bytes input) {
  const auto md = wire::sha256(input);
  std::lock_guard lock(mutex_);
  EVP_PKEY_CTX* ctx = context(key, Kind::sign);
  std::size_t len = 0;
  if (!ctx || EVP_PKEY_sign(ctx, nullptr, &len, md.data(), md.size()) != 1)
    return make_error_code(crypto_errc::internal);
  wire::Buffer sig(len);
  if (EVP_PKEY_sign(ctx, sig.data(), &len, md.data(), md.size()) != 1) return make_error_code(crypto_errc::internal);
  sig.resize(len);
  return sig;
}

boost::system::error_code KeyOperation::verify(EVP_PKEY* key, wire::Bytes input, wire::Bytes signature) {
  const auto md = wire::sha256(input);
  std::lock_guard lock(mutex_);
  EVP_PKEY_CTX* ctx = context(key, Kind::verify);
  if (!ctx) return make_error_code(crypto_errc::internal);
  if (EVP_PKEY_verify(ctx, signature.data(), signature.size(), md.data(), md.size()) != 1)
    return make_error_code(crypto_errc::bad_signature);
  return {};
}

}  // namespace reload::crypto
