#include "wire/destination.hpp"

namespace reload::wire {

void decode(Reader& r, Destination& d, const CodecContext& ctx) {
  // A set top bit in the first byte means the 16-bit compressed form.
  std::size_t at = r.offset();
  std::uint8_t first = r.u8("Destination.type");
  if (!r.ok()) return;
  if (first & 0x80) {
    std::uint8_t second = r.u8("Destination.compressed_id");
    d = CompressedId{static_cast<std::uint16_t>((first << 8) | second)};
    return;
  }
  Reader data = r.sub(1, "Destination.length");
  if (!r.ok()) return;
  switch (static_cast<DestinationType>(first)) {
    case DestinationType::node: {
      if (data.remaining() != ctx.node_id_length) {
        data.fail(codec_errc::invalid_value, "Destination.node_id length");
        return;
      }
      d = data.node_id(ctx.node_id_length, "Destination.node_id");
      break;
    }
    case DestinationType::resource:
      d = data.resource_id("Destination.resource_id");
      data.expect_end("Destination.resource_id");
      break;
    case DestinationType::opaque_id_type:
      d = OpaqueId{data.opaque(1, "Destination.opaque_id")};
      data.expect_end("Destination.opaque_id");
      break;
    default:
      if (first == 0) {
        r.fail_at(at, codec_errc::invalid_value, "Destination.type");
        return;
      }
      d = UnknownDestination{first, data.rest()};
  }
}

namespace {
struct DestinationEncoder {
  Writer& w;
  void operator()(const NodeId& id) const {
    w.u8(static_cast<std::uint8_t>(DestinationType::node));
    w.u8(static_cast<std::uint8_t>(id.size()));
    w.node_id(id);
  }
  void operator()(const ResourceId& id) const {
    w.u8(static_cast<std::uint8_t>(DestinationType::resource));
    auto len = w.length_prefix(1, "Destination.length");
    w.resource_id(id);
  }
  void operator()(const OpaqueId& o) const {
    w.u8(static_cast<std::uint8_t>(DestinationType::opaque_id_type));
    auto len = w.length_prefix(1, "Destination.length");
    w.opaque(1, o.id, "Destination.opaque_id");
  }
  void operator()(const CompressedId& c) const {
    if (!(c.value & 0x8000)) w.fail(codec_errc::invalid_value, "Destination.compressed_id");
    w.u16(c.value);
  }
  void operator()(const UnknownDestination& u) const {
    if (u.type == 0 || (u.type & 0x80)) w.fail(codec_errc::invalid_value, "Destination.type");
    w.u8(u.type);
    w.opaque(1, u.data, "Destination.data");
  }
};
}  // namespace

void encode(Writer& w, const Destination& d) { std::visit(DestinationEncoder{w}, d); }

void decode_destinations(Reader& r, DestinationList& list, const CodecContext& ctx,
                         ResourcePlacement resources) {
  list.clear();
  while (r.more()) {
    Destination d;
    decode(r, d, ctx);
    if (!r.ok()) return;
    if (is_resource(d) && resources != ResourcePlacement::anywhere) {
      if (resources == ResourcePlacement::forbidden || r.remaining() != 0) {
        r.fail(codec_errc::resource_not_last, "Destination.resource_id");
        return;
      }
    }
    list.push_back(std::move(d));
  }
}

void encode_destinations(Writer& w, const DestinationList& list) {
  for (const auto& d : list) encode(w, d);
}

std::size_t destination_size(Bytes b) noexcept {
  if (b.empty()) return 0;
  if (b[0] & 0x80) return b.size() >= 2 ? 2 : 0;
  if (b.size() < 2) return 0;
  std::size_t n = 2 + std::size_t{b[1]};
  return n <= b.size() ? n : 0;
}

bool is_node(const Destination& d) noexcept { return std::holds_alternative<NodeId>(d); }
bool is_resource(const Destination& d) noexcept { return std::holds_alternative<ResourceId>(d); }

}  // namespace reload::wire
