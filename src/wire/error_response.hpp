// ErrorResponse, the body of every message with code 0xFFFF (RFC 6940 section 6.3.3.1).
//
//   ErrorResponse = error_code(2) | error_info<0..2^16-1>
// error_info is UTF-8 text unless the error says otherwise (PITFALLS.md item 7):
//   Error_Unknown_Kind:               KindId unknown_kinds<0..2^8-1>  (section 7.4.1.2)
//   Error_Generation_Counter_Too_Low: a StoreAns with the stored counters, no replicas
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>
#include <reload/errors.hpp>

#include "wire/bytes.hpp"
#include "wire/codec_context.hpp"
#include "wire/describe.hpp"
#include "wire/reader.hpp"
#include "wire/store.hpp"
#include "wire/writer.hpp"

namespace reload::wire {

struct ErrorResponse {
  std::uint16_t error_code = 0;  // a reload::errc value, or one this node does not know
  Bytes error_info;              // <0..2^16-1>
};

// error_info of Error_Unknown_Kind. The prefix counts bytes: at most 63 kinds fit.
struct UnknownKinds {
  std::vector<KindId> unknown_kinds;  // <0..2^8-1>
};

void decode(Reader& r, ErrorResponse& e, const CodecContext& ctx);
void encode(Writer& w, const ErrorResponse& e);
void decode(Reader& r, UnknownKinds& u, const CodecContext& ctx);
void encode(Writer& w, const UnknownKinds& u);

// An ErrorResponse whose error_info is `utf8_text`. It views the text: keep the text alive
// until the response is encoded (a string literal always is).
ErrorResponse text_error_response(errc code, std::string_view utf8_text) noexcept;

// error_info for Error_Unknown_Kind; value_too_long for more than 63 kinds.
boost::system::result<Buffer> encode_unknown_kinds_info(std::span<const KindId> kinds);
// The kinds listed in an Error_Unknown_Kind's error_info, which must hold exactly that list.
boost::system::result<std::vector<KindId>> decode_unknown_kinds_info(Bytes error_info);

// error_info for Error_Generation_Counter_Too_Low.
boost::system::result<Buffer> encode_generation_counter_info(const StoreAns& ans);
// The StoreAns in an Error_Generation_Counter_Too_Low's error_info. It views error_info.
boost::system::result<StoreAns> decode_generation_counter_info(Bytes error_info,
                                                               const CodecContext& ctx);

RELOAD_WIRE_DESCRIBE(ErrorResponse, (error_code, error_info))
RELOAD_WIRE_DESCRIBE(UnknownKinds, (unknown_kinds))

}  // namespace reload::wire
