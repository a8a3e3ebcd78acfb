#include "wire/xmpp_location.hpp"

namespace reload::wire {

void decode(Reader& r, XmppLocation& loc, const CodecContext& ctx) {
  std::uint8_t type = r.u8("XmppLocation.type");
  Reader data = r.sub(2, "XmppLocation.length");
  if (!r.ok()) return;
  switch (static_cast<XmppLocationType>(type)) {
    case XmppLocationType::xmpp_location_address:
      loc.data = XmppLocationAddress{data.opaque(2, "XmppLocation.address")};
      break;
    case XmppLocationType::xmpp_location_route: {
      XmppLocationRoute route;
      route.priority = data.u8("XmppLocation.priority");
      Reader list = data.sub(2, "XmppLocation.destination_list");
      decode_destinations(list, route.destination_list, ctx, ResourcePlacement::last_only);
      loc.data = std::move(route);
      break;
    }
    default:
      loc.data = UnknownXmppLocation{type, data.rest()};
  }
  data.expect_end("XmppLocation.length");
}

namespace {
struct XmppLocationEncoder {
  Writer& w;
  void operator()(const XmppLocationAddress& a) const {
    w.u8(static_cast<std::uint8_t>(XmppLocationType::xmpp_location_address));
    auto len = w.length_prefix(2, "XmppLocation.length");
    w.opaque(2, a.address, "XmppLocation.address");
  }
  void operator()(const XmppLocationRoute& route) const {
    w.u8(static_cast<std::uint8_t>(XmppLocationType::xmpp_location_route));
    auto len = w.length_prefix(2, "XmppLocation.length");
    w.u8(route.priority);
    auto list = w.length_prefix(2, "XmppLocation.destination_list");
    encode_destinations(w, route.destination_list);
  }
  void operator()(const UnknownXmppLocation& u) const {
    // A known type here would decode back as something else.
    if (u.type == static_cast<std::uint8_t>(XmppLocationType::xmpp_location_address) ||
        u.type == static_cast<std::uint8_t>(XmppLocationType::xmpp_location_route))
      w.fail(codec_errc::invalid_value, "XmppLocation.type");
    w.u8(u.type);
    w.opaque(2, u.data, "XmppLocation.length");
  }
};
}  // namespace

void encode(Writer& w, const XmppLocation& loc) { std::visit(XmppLocationEncoder{w}, loc.data); }

XmppLocationType type_of(const XmppLocation& loc) noexcept {
  if (const auto* u = std::get_if<UnknownXmppLocation>(&loc.data))
    return static_cast<XmppLocationType>(u->type);
  return std::holds_alternative<XmppLocationAddress>(loc.data)
             ? XmppLocationType::xmpp_location_address
             : XmppLocationType::xmpp_location_route;
}

}  // namespace reload::wire
