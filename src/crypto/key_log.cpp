#include "crypto/key_log.hpp"

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include <openssl/ssl.h>

namespace reload::crypto {

namespace {
// The file is opened once; lines from several threads are serialised.
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

void enable_key_log(SSL_CTX* ctx) {
  const char* path = std::getenv("SSLKEYLOGFILE");
  if (path && *path) SSL_CTX_set_keylog_callback(ctx, write_key_log);
}

}  // namespace reload::crypto
