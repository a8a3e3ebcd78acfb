// Unpredictable bytes from OpenSSL's CSPRNG, for everything a peer must not guess:
// transaction ids (RFC 6940 section 6.3.2 asks for randomness; a guessable id lets any
// peer answer a request that was not sent to it), ICE credentials, stream ids, serials.
#pragma once

#include <cstdint>
#include <span>

namespace reload::crypto {

// False only when OpenSSL's generator fails (it could not be seeded).
[[nodiscard]] bool fill_random(std::span<std::uint8_t> out) noexcept;

// 64 random bits. A generator that fails leaves nothing safe to fall back on, so this
// throws std::runtime_error then: a predictable id would fail open.
std::uint64_t random_u64();

}  // namespace reload::crypto
