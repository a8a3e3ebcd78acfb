// One valid, signed-looking RELOAD message of every message code, built with the codec: the
// Wireshark interop test writes them into a capture, the fuzzers start from them, the
// benchmarks time them, and the demo shows them. The signatures are fixed bytes, not real
// signatures (the codec does not verify; src/crypto will).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wire/bytes.hpp"
#include "wire/codec_context.hpp"

namespace reload::test {

struct SampleMessage {
  std::string name;  // e.g. "store_req", "error_unknown_kind"
  std::uint16_t message_code;
  wire::Buffer bytes;  // the whole encoded message
};

// The overlay every sample belongs to.
inline constexpr const char* sample_overlay_name = "overlay.example.org";

std::vector<SampleMessage> sample_messages();

// A StoreReq for XMPP-LOCATION (kind 5, dictionary) with `entries` XmppLocation routes.
wire::Buffer sample_store_req(std::size_t entries);
// A PingReq to a Node-ID with a via list of `via` entries.
wire::Buffer sample_ping_req(std::size_t via = 0);

// The data models the samples use (the RFC's kinds plus XMPP-LOCATION).
const wire::DataModelTable& sample_data_models();

}  // namespace reload::test
