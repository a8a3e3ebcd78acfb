#include "crypto/key_operation.hpp"

#include <thread>
#include <vector>

#include "crypto/openssl_handles.hpp"
#include "crypto/private_key.hpp"
#include "crypto_fixtures.hpp"

using namespace reload;
using namespace reload::crypto;

namespace {

// An independent check through EVP_DigestVerify: what any other implementation would do.
bool digest_verifies(EVP_PKEY* key, wire::Bytes input, wire::Bytes sig) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  REQUIRE(EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1);
  return EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), input.data(), input.size()) == 1;
}

wire::Buffer input_number(int i) { return wire::Buffer(100 + i, static_cast<std::uint8_t>(i)); }

}  // namespace

TEST_CASE("one context signs and checks many times, and its signatures are EVP_DigestSign's") {
  for (auto type : {KeyType::ecdsa_p256, KeyType::rsa2048}) {
    CAPTURE(type == KeyType::rsa2048);
    auto key = PrivateKey::generate(type).value();
    KeyOperation signing, verifying;
    for (int i = 0; i < 20; ++i) {
      auto input = input_number(i);
      auto sig = signing.sign(key.native(), input).value();
      CHECK(digest_verifies(key.native(), input, sig));
      CHECK_FALSE(verifying.verify(key.native(), input, sig));
      // A changed input, and another input's signature, are refused; the context stays usable.
      auto other = input_number(i + 1);
      CHECK(verifying.verify(key.native(), other, sig) == crypto_errc::bad_signature);
      wire::Buffer garbage(sig.size(), 0x30);
      CHECK(verifying.verify(key.native(), input, garbage) == crypto_errc::bad_signature);
      CHECK(verifying.verify(key.native(), input, {}) == crypto_errc::bad_signature);
    }
  }
}

TEST_CASE("a context made for one key refuses another key's signatures") {
  auto mine = PrivateKey::generate(KeyType::ecdsa_p256).value();
  auto theirs = PrivateKey::generate(KeyType::ecdsa_p256).value();
  KeyOperation verifying;
  auto input = input_number(1);
  CHECK_FALSE(verifying.verify(mine.native(), input, mine.sign(input).value()));
  CHECK(verifying.verify(mine.native(), input, theirs.sign(input).value()) == crypto_errc::bad_signature);
}

TEST_CASE("threads that share a context take turns: every signature is good") {
  auto key = PrivateKey::generate(KeyType::ecdsa_p256).value();
  KeyOperation signing, verifying;
  constexpr int threads = 4, rounds = 50;
  std::vector<std::vector<wire::Buffer>> sigs(threads);
  std::vector<int> refused(threads, 0);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i = 0; i < rounds; ++i) {
        auto input = input_number(t * rounds + i);
        auto sig = signing.sign(key.native(), input);
        if (!sig || verifying.verify(key.native(), input, *sig)) ++refused[t];
        if (sig) sigs[t].push_back(std::move(*sig));
      }
    });
  for (auto& th : pool) th.join();
  for (int t = 0; t < threads; ++t) {
    CHECK(refused[t] == 0);
    REQUIRE(sigs[t].size() == rounds);
    for (int i = 0; i < rounds; ++i) CHECK(digest_verifies(key.native(), input_number(t * rounds + i), sigs[t][i]));
  }
}
