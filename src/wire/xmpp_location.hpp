// The XmppLocation record of the XMPP usage (XEP-0415 section 4.2), stored as the value of
// an XMPP-LOCATION dictionary entry keyed by the storer's Node-ID.
//
//   XmppLocation = type(1) | length(2) | data[length]
//     xmpp_location_address (1): address<0..2^16-1>            (a bare JID, PRECIS-prepared)
//     xmpp_location_route   (2): priority(1) | Destination destination_list<0..2^16-1>
// length counts the bytes of data and must equal them exactly; the destination list is
// Destinations back to back behind a byte length, a Resource-ID allowed only last. Types this
// codec does not know are kept with their data, as the XEP leaves the type open.
#pragma once

#include <cstdint>
#include <variant>

#include "wire/bytes.hpp"
#include "wire/codec_context.hpp"
#include "wire/describe.hpp"
#include "wire/destination.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

namespace reload::wire {

enum class XmppLocationType : std::uint8_t { xmpp_location_address = 1, xmpp_location_route = 2 };

struct XmppLocationAddress {
  Bytes address;  // <0..2^16-1>
};

struct XmppLocationRoute {
  std::uint8_t priority = 0;
  DestinationList destination_list;  // <0..2^16-1>
};

struct UnknownXmppLocation {
  std::uint8_t type = 0;  // never 1 or 2: the encoder refuses them
  Bytes data;             // the bytes the length covered
};

using XmppLocationData = std::variant<XmppLocationAddress, XmppLocationRoute, UnknownXmppLocation>;

struct XmppLocation {
  XmppLocationData data;  // type and length are implied by the alternative and its encoding
};

void decode(Reader& r, XmppLocation& loc, const CodecContext& ctx);
void encode(Writer& w, const XmppLocation& loc);

// The wire type of the record (an unknown one as it came).
XmppLocationType type_of(const XmppLocation& loc) noexcept;

BOOST_DESCRIBE_ENUM(XmppLocationType, xmpp_location_address, xmpp_location_route)
RELOAD_WIRE_DESCRIBE(XmppLocationAddress, (address))
RELOAD_WIRE_DESCRIBE(XmppLocationRoute, (priority, destination_list))
RELOAD_WIRE_DESCRIBE(UnknownXmppLocation, (type, data))
RELOAD_WIRE_DESCRIBE(XmppLocation, (data))

}  // namespace reload::wire
