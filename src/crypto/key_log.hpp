// SSLKEYLOGFILE, as curl and browsers honour it (DESIGN.md principle 3): when the variable
// names a file, the TLS secrets of every session of `ctx` are appended to it in NSS key log
// format, so Wireshark can read captured traffic. Nothing happens when it is unset.
#pragma once

typedef struct ssl_ctx_st SSL_CTX;

namespace reload::crypto {

void enable_key_log(SSL_CTX* ctx);

}  // namespace reload::crypto
