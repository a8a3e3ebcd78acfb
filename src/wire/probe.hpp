// The Probe bodies (RFC 6940 section 6.4.2.5).
//
//   ProbeReq         = ProbeInformationType requested_info<0..2^8-1>     (one byte each)
//   ProbeAns         = ProbeInformation probe_info<0..2^16-1>
//   ProbeInformation = type(1) | length(1) | value[length]
// The three known types carry a uint32, so their length must be 4. The length lets a reader
// skip a type it does not know: an unknown type is kept with its bytes and re-encodes
// unchanged. An unknown type in a request is kept as its number; the responder ignores it.
#pragma once

#include <cstdint>
#include <vector>

#include "wire/bytes.hpp"
#include "wire/codec_context.hpp"
#include "wire/describe.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

namespace reload::wire {

enum class ProbeInformationType : std::uint8_t {
  responsible_set = 1,  // responsible_ppb: the fraction of the overlay, in parts per billion
  num_resources = 2,    // Resource-IDs stored (several values under one Resource-ID count once)
  uptime = 3,           // seconds
};

struct ProbeReq {
  std::vector<ProbeInformationType> requested_info;  // <0..2^8-1>
};

struct ProbeInformation {
  ProbeInformationType type = ProbeInformationType::uptime;
  std::uint32_t value = 0;  // for the three known types
  Bytes unknown_value;      // for a type this codec does not know: its value bytes
};

struct ProbeAns {
  std::vector<ProbeInformation> probe_info;  // <0..2^16-1>
};

void decode(Reader& r, ProbeReq& p, const CodecContext& ctx);
void encode(Writer& w, const ProbeReq& p);
void decode(Reader& r, ProbeInformation& p, const CodecContext& ctx);
void encode(Writer& w, const ProbeInformation& p);
void decode(Reader& r, ProbeAns& p, const CodecContext& ctx);
void encode(Writer& w, const ProbeAns& p);

// True for responsible_set, num_resources and uptime.
bool is_known(ProbeInformationType t) noexcept;

BOOST_DESCRIBE_ENUM(ProbeInformationType, responsible_set, num_resources, uptime)
RELOAD_WIRE_DESCRIBE(ProbeReq, (requested_info))
RELOAD_WIRE_DESCRIBE(ProbeInformation, (type, value, unknown_value))
RELOAD_WIRE_DESCRIBE(ProbeAns, (probe_info))

}  // namespace reload::wire
