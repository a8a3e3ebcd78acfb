// Error values of reload-xmpp (DESIGN.md principle 7): boost::system categories.
//
//  * reload::errc  - the RELOAD error codes of RFC 6940 section 14.9, exactly as they travel
//                    in an ErrorResponse. A failed request reports one of these.
//  * reload::codec_errc - why a byte string is not a valid RELOAD structure.
//  * reload::crypto_errc - why a certificate, key, signature or CSR was refused.
//
// This header is a leaf: it includes nothing of the project, so every layer may use it.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>

#include <boost/system/error_code.hpp>

namespace reload {

// RFC 6940 section 14.9. The numeric values are the wire values of ErrorResponse.error_code.
enum class errc : std::uint16_t {
  forbidden = 0x2,
  not_found = 0x3,
  request_timeout = 0x4,
  generation_counter_too_low = 0x5,
  incompatible_with_overlay = 0x6,
  unsupported_forwarding_option = 0x7,
  data_too_large = 0x8,
  data_too_old = 0x9,
  ttl_exceeded = 0xA,
  message_too_large = 0xB,
  unknown_kind = 0xC,
  unknown_extension = 0xD,
  response_too_large = 0xE,
  config_too_old = 0xF,
  config_too_new = 0x10,
  in_progress = 0x11,
  exp_a = 0x12,
  exp_b = 0x13,
  invalid_message = 0x14,
};

// The RFC's name for a RELOAD error code ("Error_Forbidden"), or nullptr when unassigned.
const char* errc_name(std::uint16_t code) noexcept;

const boost::system::error_category& reload_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), reload_category()};
}

// Why decoding (or, for over-long vectors, encoding) a RELOAD structure failed.
enum class codec_errc {
  truncated = 1,          // a field or a length runs past the bytes that are left
  length_exceeds_limit,   // a length is larger than the caller's configured limit
  trailing_bytes,         // bytes are left over where the structure must end
  bad_relo_token,         // first four bytes are not 0xd2454c4f
  unsupported_version,    // version is not 0x0a (RELOAD 1.0)
  bad_fragment_field,     // high bit of fragment clear
  length_mismatch,        // the header's length field disagrees with the bytes
  fragmented,             // a fragment was given where a whole message is needed
  unknown_type,           // a select() type value this codec cannot skip
  invalid_value,          // a field holds a value the RFC forbids (e.g. bool 2)
  resource_not_last,      // a Resource-ID destination that is not the final one
  unknown_data_model,     // a kind's data model is needed but not known
  value_too_long,         // encoding: a vector is longer than its length prefix allows
  fragment_conflict,      // reassembly: fragments disagree or overlap inconsistently
  reassembly_limit,       // reassembly: the memory bound would be exceeded
};

const boost::system::error_category& codec_category() noexcept;

inline boost::system::error_code make_error_code(codec_errc e) noexcept {
  return {static_cast<int>(e), codec_category()};
}

// Why a certificate, key, signature or CSR was not accepted (src/crypto).
enum class crypto_errc {
  bad_encoding = 1,        // not DER/PEM of the expected object
  unsupported_algorithm,   // a key, hash or signature algorithm this node does not accept
  bad_signature,           // the signature does not verify
  untrusted,               // the chain does not end at one of the overlay's root-certs
  expired,                 // a certificate of the chain is past its notAfter
  not_yet_valid,           // a certificate of the chain is before its notBefore
  not_a_ca,                // an issuer lacks basicConstraints cA=TRUE (or keyCertSign)
  wrong_overlay,           // no reload:// URI of this overlay in the certificate
  no_node_id,              // the certificate carries no (or not the claimed) Node-ID
  self_signed_mismatch,    // self-signed: the Node-ID is not the digest of the public key
  self_signed_not_permitted,
  bad_csr,                 // a PKCS#10 request that does not parse or verify
  key_mismatch,            // a private key that does not belong to the certificate
  internal,                // OpenSSL failed for a reason that is not the input's fault
};

const boost::system::error_category& crypto_category() noexcept;

inline boost::system::error_code make_error_code(crypto_errc e) noexcept {
  return {static_cast<int>(e), crypto_category()};
}

}  // namespace reload

template <>
struct boost::system::is_error_code_enum<reload::crypto_errc> : std::true_type {};
template <>
struct boost::system::is_error_code_enum<reload::errc> : std::true_type {};
template <>
struct boost::system::is_error_code_enum<reload::codec_errc> : std::true_type {};
