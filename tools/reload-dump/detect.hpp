// What the bytes are: a capture file, framed RELOAD (RFC 6940 section 6.6.2) or bare RELOAD
// messages (section 6.3), judged by their first bytes.
#pragma once

#include <cstdint>

#include "wire/bytes.hpp"

namespace reload::dump {

enum class Format { auto_detect, raw, framed, pcap };

enum class Payload {
  raw,         // starts with the relo token d2454c4f
  framed,      // data: 0x80, sequence(4), length(3), then the relo token at offset 8;
               // ack: 0x81 and 9 bytes
  need_more,   // (streams) could still become framed or raw: wait for more bytes
  not_reload,  // anything else
};

// pcap (either byte order, micro- or nanosecond timestamps) or pcapng.
bool is_capture(wire::Bytes b) noexcept;

// For a file or hex: a capture, else framed when it starts with a frame type byte (so that a
// broken frame is reported as one), else raw. Never auto_detect.
Format detect_format(wire::Bytes b) noexcept;

// RELOAD's port (RFC 6940 section 14.2): traffic to or from it is taken for RELOAD on less
// evidence, so that a broken frame there is reported rather than skipped.
inline constexpr std::uint16_t reload_port = 6084;

// For packets, where most traffic is something else. `whole` says that `b` is all there is
// (a datagram, or the end of a stream): then an ack must be exactly 9 bytes (datagram) or at
// least 9 (stream), and need_more is never returned. With `on_reload_port`, a frame type byte
// is enough for framed.
Payload detect_payload(wire::Bytes b, bool datagram, bool whole, bool on_reload_port) noexcept;

// For a payload that is not RELOAD: what it looks like, when that is worth saying
// ("TLS record", "DTLS record"), else empty. RELOAD inside (D)TLS cannot be read without keys.
const char* describe_other(wire::Bytes b) noexcept;

}  // namespace reload::dump
