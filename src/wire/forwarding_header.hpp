// The forwarding header (RFC 6940 section 6.3.2): the only part an intermediate peer reads.
//
// Fixed part, 38 bytes (PITFALLS.md item 2):
//   relo_token 4 | overlay 4 | configuration_sequence 2 | version 1 | ttl 1 | fragment 4 |
//   length 4 | transaction_id 8 | max_response_length 4 | via_list_length 2 |
//   destination_list_length 2 | options_length 2
// then the via list, the destination list and the options, each as many bytes as announced.
#pragma once

#include <cstdint>
#include <vector>

#include "wire/describe.hpp"
#include "wire/destination.hpp"

namespace reload::wire {

inline constexpr std::uint32_t relo_token = 0xd2454c4f;  // "RELO" with the top bit set
inline constexpr std::uint8_t reload_version = 0x0a;     // RELOAD 1.0, times ten
inline constexpr std::size_t fixed_header_size = 38;
inline constexpr std::uint8_t default_initial_ttl = 100;

// The fragment field (section 6.3.2 and 6.7).
inline constexpr std::uint32_t fragment_must_be_set = 0x80000000;
inline constexpr std::uint32_t fragment_last = 0x40000000;
inline constexpr std::uint32_t fragment_reserved = 0x3f000000;
inline constexpr std::uint32_t fragment_offset_mask = 0x00ffffff;
inline constexpr std::uint32_t fragment_unfragmented = fragment_must_be_set | fragment_last;

// ForwardingOption.flags (section 6.3.2.3).
namespace option_flags {
inline constexpr std::uint8_t forward_critical = 0x01;
inline constexpr std::uint8_t destination_critical = 0x02;
inline constexpr std::uint8_t response_copy = 0x04;
}  // namespace option_flags

struct ForwardingOption {
  std::uint8_t type = 0;
  std::uint8_t flags = 0;
  Bytes option;  // length is uint16 on the wire
};

struct ForwardingHeader {
  std::uint32_t overlay = 0;
  std::uint16_t configuration_sequence = 0;
  std::uint8_t version = reload_version;
  std::uint8_t ttl = default_initial_ttl;
  std::uint32_t fragment = fragment_unfragmented;
  std::uint32_t length = 0;  // whole message (this fragment) in bytes, header included
  std::uint64_t transaction_id = 0;
  std::uint32_t max_response_length = 0;
  DestinationList via_list;
  DestinationList destination_list;
  std::vector<ForwardingOption> options;

  bool is_last_fragment() const noexcept { return fragment & fragment_last; }
  std::uint32_t fragment_offset() const noexcept { return fragment & fragment_offset_mask; }
  // Last fragment at offset 0: the message is whole.
  bool is_whole() const noexcept {
    return is_last_fragment() && fragment_offset() == 0;
  }
};

// Checks the token, the version and the fragment field's top bit; `length` is read but not
// compared with anything (the message decoder does that).
void decode(Reader& r, ForwardingHeader& h, const CodecContext& ctx);
// Writes `h.length` as it is; encode_message() fills it in.
void encode(Writer& w, const ForwardingHeader& h);

void decode(Reader& r, ForwardingOption& o, const CodecContext& ctx);
void encode(Writer& w, const ForwardingOption& o);

RELOAD_WIRE_DESCRIBE(ForwardingOption, (type, flags, option))
RELOAD_WIRE_DESCRIBE(ForwardingHeader,
                     (overlay, configuration_sequence, version, ttl, fragment, length,
                      transaction_id, max_response_length, via_list, destination_list, options))

}  // namespace reload::wire
