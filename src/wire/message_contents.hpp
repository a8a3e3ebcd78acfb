// MessageContents (RFC 6940 section 6.3.3): code | body<0..2^32-1> | extensions<0..2^32-1>.
// The extensions length is present even when there are none (PITFALLS.md item 6).
#pragma once

#include <cstdint>
#include <vector>

#include "wire/bytes.hpp"
#include "wire/describe.hpp"
#include "wire/codec_context.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

namespace reload::wire {

// RFC 6940 section 14.8. Requests are odd; the answer is the request plus one.
enum class MessageCode : std::uint16_t {
  probe_req = 0x1,
  probe_ans = 0x2,
  attach_req = 0x3,
  attach_ans = 0x4,
  store_req = 0x7,
  store_ans = 0x8,
  fetch_req = 0x9,
  fetch_ans = 0xA,
  find_req = 0xD,
  find_ans = 0xE,
  join_req = 0xF,
  join_ans = 0x10,
  leave_req = 0x11,
  leave_ans = 0x12,
  update_req = 0x13,
  update_ans = 0x14,
  route_query_req = 0x15,
  route_query_ans = 0x16,
  ping_req = 0x17,
  ping_ans = 0x18,
  stat_req = 0x19,
  stat_ans = 0x1A,
  app_attach_req = 0x1D,
  app_attach_ans = 0x1E,
  config_update_req = 0x21,
  config_update_ans = 0x22,
  exp_a_req = 0x23,
  exp_a_ans = 0x24,
  exp_b_req = 0x25,
  exp_b_ans = 0x26,
  error = 0xFFFF,
};

// The RFC's name ("store_req"), or nullptr for an unassigned code.
const char* message_code_name(std::uint16_t code) noexcept;

constexpr bool is_request(std::uint16_t code) noexcept {
  return code != 0 && code < 0x8000 && (code & 1);
}
constexpr bool is_response(std::uint16_t code) noexcept {
  return code == 0xFFFF || (code != 0 && code < 0x8000 && !(code & 1));
}
constexpr std::uint16_t answer_code(std::uint16_t request) noexcept {
  return static_cast<std::uint16_t>(request + 1);
}

struct MessageExtension {
  std::uint16_t type = 0;
  bool critical = false;
  Bytes extension_contents;  // <0..2^32-1>
};

struct MessageContents {
  std::uint16_t message_code = 0;
  Bytes message_body;  // <0..2^32-1>, decoded by decode_body() according to the code
  std::vector<MessageExtension> extensions;
};

void decode(Reader& r, MessageExtension& e, const CodecContext& ctx);
void encode(Writer& w, const MessageExtension& e);
void decode(Reader& r, MessageContents& c, const CodecContext& ctx);
void encode(Writer& w, const MessageContents& c);

RELOAD_WIRE_DESCRIBE(MessageExtension, (type, critical, extension_contents))
RELOAD_WIRE_DESCRIBE(MessageContents, (message_code, message_body, extensions))

}  // namespace reload::wire
