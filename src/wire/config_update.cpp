#include "wire/config_update.hpp"

namespace reload::wire {

void decode(Reader& r, ConfigUpdateReq& c, const CodecContext&) {
  std::size_t type_at = r.offset();
  std::uint8_t type = r.u8("ConfigUpdateReq.type");
  // A length shorter than the select's own contents surfaces as truncated inside it; a longer
  // one as trailing bytes after it.
  Reader rest = r.sub(4, "ConfigUpdateReq.length");
  if (!r.ok()) return;
  if (type == 0) {
    r.fail_at(type_at, codec_errc::invalid_value, "ConfigUpdateReq.type");
    return;
  }
  c = ConfigUpdateReq{};
  c.type = static_cast<ConfigUpdateType>(type);
  switch (c.type) {
    case ConfigUpdateType::config:
      c.config_data = rest.opaque(3, "ConfigUpdateReq.config_data");
      break;
    case ConfigUpdateType::kind: {
      Reader kinds = rest.sub(3, "ConfigUpdateReq.kinds");
      while (kinds.more()) {
        Bytes k = kinds.opaque(2, "ConfigUpdateReq.kinds");
        if (kinds.ok()) c.kinds.push_back(k);
      }
      break;
    }
    default:
      c.unknown_data = rest.rest();
  }
  rest.expect_end("ConfigUpdateReq.length");
}

void encode(Writer& w, const ConfigUpdateReq& c) {
  auto type = static_cast<std::uint8_t>(c.type);
  if (type == 0) w.fail(codec_errc::invalid_value, "ConfigUpdateReq.type");
  w.u8(type);
  auto len = w.length_prefix(4, "ConfigUpdateReq.length");
  switch (c.type) {
    case ConfigUpdateType::config:
      w.opaque(3, c.config_data, "ConfigUpdateReq.config_data");
      return;
    case ConfigUpdateType::kind: {
      auto kinds = w.length_prefix(3, "ConfigUpdateReq.kinds");
      for (Bytes k : c.kinds) w.opaque(2, k, "ConfigUpdateReq.kinds");
      return;
    }
  }
  w.raw(c.unknown_data);
}

// Empty body: decode_exact turns any byte into trailing_bytes.
void decode(Reader&, ConfigUpdateAns&, const CodecContext&) {}
void encode(Writer&, const ConfigUpdateAns&) {}

}  // namespace reload::wire
