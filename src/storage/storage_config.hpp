// What the data store needs to know about its overlay: the Kinds it accepts (RFC 6940
// section 11.1's <kind-block>s), whose Node-IDs count in certificates, how long the overlay's
// Resource-IDs are, and which Kind is XMPP-LOCATION (XEP-0415: its USER-NODE-MATCH matches
// the id-on-xmppAddr, not the rfc822Name).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "config/kinds.hpp"
#include "wire/codec_context.hpp"

namespace reload::config {
struct Configuration;
}  // namespace reload::config

namespace reload::storage {

struct StorageConfig {
  std::string overlay;                 // the instance name: a certificate's Node-IDs of it count
  // Bytes of SHA-1 kept in a Resource-ID: CHORD-RELOAD's 128 bits (section 10.2), whatever
  // the overlay's node-id-length.
  std::size_t resource_id_length = 16;
  std::vector<config::KindDefinition> kinds;
  // Its number is only XEP-0415's request (PITFALLS.md item 17), so it is configurable.
  wire::KindId xmpp_location_kind = wire::kinds::xmpp_location;

  // The document's overlay name and Kinds; XMPP-LOCATION is found by name when the document
  // names it, else it keeps Kind-ID 5.
  static StorageConfig from(const config::Configuration& configuration);

  const config::KindDefinition* find_kind(wire::KindId id) const noexcept;
};

}  // namespace reload::storage
