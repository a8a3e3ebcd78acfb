#include "detect.hpp"

#include <array>

#include "wire/forwarding_header.hpp"
#include "wire/framing.hpp"

namespace reload::dump {

namespace {
constexpr std::array<std::uint8_t, 4> token = {0xd2, 0x45, 0x4c, 0x4f};

bool starts_with(wire::Bytes b, std::span<const std::uint8_t> prefix) noexcept {
  return b.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), b.begin());
}
// Whether `b` is a prefix of `whole` (or the other way round): could still match.
bool could_start(wire::Bytes b, std::span<const std::uint8_t> prefix) noexcept {
  std::size_t n = std::min(b.size(), prefix.size());
  return std::equal(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n), prefix.begin());
}
}  // namespace

bool is_capture(wire::Bytes b) noexcept {
  static constexpr std::array<std::array<std::uint8_t, 4>, 5> magics = {{
      {0xa1, 0xb2, 0xc3, 0xd4},  // pcap, microseconds, big-endian
      {0xd4, 0xc3, 0xb2, 0xa1},  // little-endian
      {0xa1, 0xb2, 0x3c, 0x4d},  // nanoseconds
      {0x4d, 0x3c, 0xb2, 0xa1},
      {0x0a, 0x0d, 0x0d, 0x0a},  // pcapng section header block
  }};
  for (const auto& m : magics)
    if (starts_with(b, m)) return true;
  return false;
}

Format detect_format(wire::Bytes b) noexcept {
  if (is_capture(b)) return Format::pcap;
  if (!b.empty() && (b[0] == static_cast<std::uint8_t>(wire::FramedMessageType::data) ||
                     b[0] == static_cast<std::uint8_t>(wire::FramedMessageType::ack)))
    return Format::framed;
  return Format::raw;
}

Payload detect_payload(wire::Bytes b, bool datagram, bool whole, bool on_reload_port) noexcept {
  if (b.empty()) return whole ? Payload::not_reload : Payload::need_more;
  if (on_reload_port && (b[0] == static_cast<std::uint8_t>(wire::FramedMessageType::data) ||
                         b[0] == static_cast<std::uint8_t>(wire::FramedMessageType::ack)))
    return Payload::framed;
  if (b[0] == static_cast<std::uint8_t>(wire::FramedMessageType::data)) {
    if (b.size() >= 12) return starts_with(b.subspan(8), token) ? Payload::framed : Payload::not_reload;
    if (whole) return Payload::not_reload;
    return b.size() <= 8 || could_start(b.subspan(8), token) ? Payload::need_more
                                                             : Payload::not_reload;
  }
  if (b[0] == static_cast<std::uint8_t>(wire::FramedMessageType::ack)) {
    if (datagram) return b.size() == 9 ? Payload::framed : Payload::not_reload;
    if (b.size() >= 9) return Payload::framed;
    return whole ? Payload::not_reload : Payload::need_more;
  }
  if (starts_with(b, token)) return Payload::raw;
  if (!whole && b.size() < token.size() && could_start(b, token)) return Payload::need_more;
  return Payload::not_reload;
}

const char* describe_other(wire::Bytes b) noexcept {
  // A record header: content type 20..24, then the version (3,x for TLS; 254,x for DTLS).
  if (b.size() < 3 || b[0] < 20 || b[0] > 24) return "";
  if (b[1] == 3 && b[2] <= 4) return "TLS record";
  if (b[1] == 254 && b[2] >= 253) return "DTLS record";
  return "";
}

}  // namespace reload::dump
