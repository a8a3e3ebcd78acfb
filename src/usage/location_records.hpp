// XEP-0415's XMPP-LOCATION records as the XMPP usage reads and writes them, sans-I/O: the
// value a device stores for itself (an xmpp_location_route whose destination list is its
// own Node-ID, keyed by that Node-ID), and what a Fetch of a user's dictionary says
// (section 5: every entry, duplicate destination lists dropped, routes by ascending
// priority, address-type entries to be followed).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wire/fetch.hpp"
#include "wire/node_id.hpp"
#include "wire/stored_data.hpp"

namespace reload::usage {

// A device of the user: where its XMPP streams are reached.
struct RouteLocation {
  wire::NodeId device;                // the destination list's terminal Node-ID: the certificate to expect
  std::vector<wire::NodeId> route;    // the whole destination list (one entry for a direct peer)
  std::uint8_t priority = 0;
  friend bool operator==(const RouteLocation&, const RouteLocation&) = default;
};

struct UserLocations {
  std::vector<RouteLocation> routes;  // by ascending priority, no destination list twice
  std::vector<std::string> forwards;  // bare JIDs of xmpp_location_address entries, in order, no repeats
  // Entries that were not a location this node can use: undecodable, a route that does not
  // end in a Node-ID, a type the XEP does not define, a value marked as not existing.
  std::size_t unusable = 0;
};

// The dictionary entry a device stores for itself: key and route both its Node-ID. Its views
// point into `storage`.
wire::DictionaryEntry own_location_entry(const wire::NodeId& self, std::uint8_t priority, wire::Buffer& storage);
// The entry that removes it (exists = false, section 7.4.1.2 of RFC 6940).
wire::DictionaryEntry removed_location_entry(const wire::NodeId& self, wire::Buffer& storage);

// What `answer`'s values of `kind` say. Values whose dictionary key is not the route's
// terminal Node-ID are unusable: USER-NODE-MATCH stores nothing else, so such an entry came
// from a peer that does not check.
UserLocations read_locations(const wire::FetchAns& answer, wire::KindId kind, std::size_t node_id_length);

}  // namespace reload::usage
