#include "crypto/random.hpp"

#include <pthread.h>

#include <array>
#include <cstring>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace reload::crypto {

namespace {

// OpenSSL 3.0's RAND_bytes costs several microseconds a call whatever the size (it sets up
// its DRBG's cipher each time, and checks for a fork): 6 % of a device's time per stanza went
// to one 16-byte origin-id. Small requests are served from a block drawn at once; a block is
// used once and wiped as it goes, and a forked child starts with none (it would repeat its
// parent's bytes).
class RandomPool {
 public:
  bool take(std::span<std::uint8_t> out) noexcept {
    if (out.size() > left_) {
      if (RAND_bytes(block_.data(), static_cast<int>(block_.size())) != 1) return false;
      left_ = block_.size();
    }
    std::uint8_t* from = block_.data() + (block_.size() - left_);
    std::memcpy(out.data(), from, out.size());
    OPENSSL_cleanse(from, out.size());
    left_ -= out.size();
    return true;
  }
  void forget() noexcept {
    OPENSSL_cleanse(block_.data(), block_.size());
    left_ = 0;
  }

  static constexpr std::size_t largest_request = 256;

 private:
  std::array<std::uint8_t, 4096> block_{};
  std::size_t left_ = 0;
};

thread_local RandomPool pool;

// Only the forking thread exists in the child: its pool is the one to drop.
void forget_in_child() { pool.forget(); }

}  // namespace

bool fill_random(std::span<std::uint8_t> out) noexcept {
  if (out.empty()) return true;
  if (out.size() > RandomPool::largest_request) return RAND_bytes(out.data(), static_cast<int>(out.size())) == 1;
  static const bool registered = pthread_atfork(nullptr, nullptr, &forget_in_child) == 0;
  (void)registered;
  return pool.take(out);
}

std::uint64_t random_u64() {
  std::uint8_t bytes[8];
  if (!fill_random(bytes)) throw std::runtime_error("OpenSSL's random generator failed");
  std::uint64_t v;
  std::memcpy(&v, bytes, sizeof v);
  return v;
}

}  // namespace reload::crypto
