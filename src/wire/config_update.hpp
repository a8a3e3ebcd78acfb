// The ConfigUpdate bodies (RFC 6940 section 6.5.4).
//
//   ConfigUpdateReq = type(1) | length(4) | select(type)
//     config(1): config_data<0..2^24-1>                     (the configuration document)
//     kind(2):   KindDescription kinds<0..2^24-1>, each KindDescription<0..2^16-1>
//   ConfigUpdateAns = (empty)
// `length` counts the rest of the structure and must match it exactly. It lets a reader skip
// a type it does not know, so an unknown type is kept with its bytes and re-encodes unchanged.
#pragma once

#include <cstdint>
#include <vector>

#include "wire/bytes.hpp"
#include "wire/codec_context.hpp"
#include "wire/describe.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

namespace reload::wire {

enum class ConfigUpdateType : std::uint8_t { config = 1, kind = 2 };

struct ConfigUpdateReq {
  ConfigUpdateType type = ConfigUpdateType::config;
  Bytes config_data;         // config: the whole signed XML document
  std::vector<Bytes> kinds;  // kind: UTF-8 <kind> blocks in the config-base namespace
  Bytes unknown_data;        // a type this codec does not know: the bytes after length
};

struct ConfigUpdateAns {};

void decode(Reader& r, ConfigUpdateReq& c, const CodecContext& ctx);
void encode(Writer& w, const ConfigUpdateReq& c);
void decode(Reader& r, ConfigUpdateAns& c, const CodecContext& ctx);
void encode(Writer& w, const ConfigUpdateAns& c);

BOOST_DESCRIBE_ENUM(ConfigUpdateType, config, kind)
RELOAD_WIRE_DESCRIBE(ConfigUpdateReq, (type, config_data, kinds, unknown_data))
RELOAD_WIRE_DESCRIBE(ConfigUpdateAns, ())

}  // namespace reload::wire
