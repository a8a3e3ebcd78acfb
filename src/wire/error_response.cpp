#include "wire/error_response.hpp"

#include "wire/codec.hpp"

namespace reload::wire {

void decode(Reader& r, ErrorResponse& e, const CodecContext&) {
  e.error_code = r.u16("ErrorResponse.error_code");
  e.error_info = r.opaque(2, "ErrorResponse.error_info");
}

void encode(Writer& w, const ErrorResponse& e) {
  w.u16(e.error_code);
  w.opaque(2, e.error_info, "ErrorResponse.error_info");
}

void decode(Reader& r, UnknownKinds& u, const CodecContext&) {
  Reader kinds = r.sub(1, "UnknownKinds.unknown_kinds");
  u.unknown_kinds.clear();
  while (kinds.more()) {
    KindId k = kinds.u32("UnknownKinds.unknown_kinds");
    if (kinds.ok()) u.unknown_kinds.push_back(k);
  }
}

void encode(Writer& w, const UnknownKinds& u) {
  auto len = w.length_prefix(1, "UnknownKinds.unknown_kinds");
  for (KindId k : u.unknown_kinds) w.u32(k);
}

ErrorResponse text_error_response(errc code, std::string_view utf8_text) noexcept {
  return ErrorResponse{static_cast<std::uint16_t>(code), as_bytes(utf8_text)};
}

boost::system::result<Buffer> encode_unknown_kinds_info(std::span<const KindId> kinds) {
  return encode_to_buffer(UnknownKinds{{kinds.begin(), kinds.end()}});
}

boost::system::result<std::vector<KindId>> decode_unknown_kinds_info(Bytes error_info) {
  auto u = decode_exact<UnknownKinds>(error_info, CodecContext{});
  if (!u) return u.error();
  return std::move(u->unknown_kinds);
}

boost::system::result<Buffer> encode_generation_counter_info(const StoreAns& ans) {
  return encode_to_buffer(ans);
}

boost::system::result<StoreAns> decode_generation_counter_info(Bytes error_info,
                                                               const CodecContext& ctx) {
  return decode_exact<StoreAns>(error_info, ctx);
}

}  // namespace reload::wire
