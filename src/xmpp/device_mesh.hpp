// Which XMPP links a device keeps (XEP-0415 section 6.1). A device links to every device of
// its own user and never closes those links itself; links to other users' devices may be
// closed to stay within a link budget, but only as redundant ones, from the biggest route
// priority number down. A pure function: the shell calls it whenever links or the user's
// XMPP-LOCATION records change, then closes and dials what it says.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace reload::xmpp {

using LinkId = std::uint64_t;

// An XMPP stream to one device, as the shell knows it once the stream is up. The stanza
// router and the mesh policy share it.
struct DeviceLink {
  LinkId id = 0;
  std::string bare_jid;  // the user: the xmppAddr of the certificate the stream presented
  std::string resource;  // the device's resource, from its stream; empty when unknown
  std::string node_id;   // the device's RELOAD Node-ID, the key of its XMPP-LOCATION record
  // The priority of that record's xmpp_location_route (smaller is preferred); a device
  // whose record is unknown sorts last.
  std::uint8_t priority = 255;
};

// One xmpp_location_route record fetched from the user's own XMPP-LOCATION dictionary.
struct LocatedDevice {
  std::string node_id;
  std::uint8_t priority = 255;
};

struct MeshPlan {
  std::vector<LinkId> close;         // other users' links to close, biggest priority first
  std::vector<std::string> connect;  // own devices with no link, smallest priority first
  std::size_t over_budget = 0;       // links left above the budget once `close` is done
};

// `links` are all the device's XMPP links; own-user ones are those whose bare_jid is
// `own_bare_jid`. `own_devices` are the user's XMPP-LOCATION records (this device's own,
// `own_node_id`, is skipped). The budget counts every link, own ones included; when it
// cannot be met without closing an own link or a user's only link, over_budget says by
// how much it is missed.
MeshPlan plan_device_mesh(std::string_view own_bare_jid, std::string_view own_node_id,
                          std::span<const DeviceLink> links,
                          std::span<const LocatedDevice> own_devices, std::size_t link_budget);

}  // namespace reload::xmpp
