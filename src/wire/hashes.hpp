// The two different hashes of RFC 6940 (PITFALLS.md item 4), and SHA-256 for cert_hash
// identities and signatures.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "wire/bytes.hpp"
#include "wire/node_id.hpp"

namespace reload::wire {

// The forwarding header's overlay field: the LOW 32 bits of SHA-1(overlay name)
// (section 6.3.2). "overlay.example.org" -> 0x9aa32b8d.
std::uint32_t overlay_hash(std::string_view overlay_name);

// A Resource-ID: the FIRST `length` bytes of SHA-1(resource name) (section 10.2; 16 bytes
// for CHORD-RELOAD).
ResourceId resource_id_of(Bytes resource_name, std::size_t length = 16);
inline ResourceId resource_id_of(std::string_view name, std::size_t length = 16) {
  return resource_id_of(as_bytes(name), length);
}

// SHA-256(first || second): the certificate hashes of SignerIdentity (section 6.3.4) and
// the digest that RSA and ECDSA signatures sign.
std::array<std::uint8_t, 32> sha256(Bytes first, Bytes second = {});

}  // namespace reload::wire
