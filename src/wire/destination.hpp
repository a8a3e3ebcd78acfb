// Destinations and destination lists (RFC 6940 section 6.3.2.2).
//
// On the wire a Destination is either the 16-bit compressed form (top bit set) or
// type(1) | length(1) | destination_data, where for a resource the data is the ResourceId
// with its own length byte (`02 11 10 <16 bytes>`; PITFALLS.md item 5).
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "wire/bytes.hpp"
#include "wire/describe.hpp"
#include "wire/codec_context.hpp"
#include "wire/node_id.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

namespace reload::wire {

enum class DestinationType : std::uint8_t { node = 1, resource = 2, opaque_id_type = 3 };

struct OpaqueId {  // a compressed list only its creator can read (section 6.1.3)
  Bytes id;
};
struct CompressedId {  // the 16-bit form; the top bit is always set
  std::uint16_t value = 0x8000;
};
struct UnknownDestination {  // a type this codec does not know, kept as it came
  std::uint8_t type = 0;
  Bytes data;
};

using Destination = std::variant<NodeId, ResourceId, OpaqueId, CompressedId, UnknownDestination>;
using DestinationList = std::vector<Destination>;

void decode(Reader& r, Destination& d, const CodecContext& ctx);
void encode(Writer& w, const Destination& d);

// A list of Destinations with no length prefix of its own, filling `r` to the end.
// Destination lists allow a Resource-ID only last (last_only); via lists never (forbidden).
enum class ResourcePlacement { last_only, forbidden, anywhere };
void decode_destinations(Reader& r, DestinationList& list, const CodecContext& ctx,
                         ResourcePlacement resources);
void encode_destinations(Writer& w, const DestinationList& list);

// The bytes of one destination: how many the encoding at the front of `b` takes, or 0 when
// `b` does not start with a whole destination. For the header-only forwarding path.
std::size_t destination_size(Bytes b) noexcept;

bool is_node(const Destination& d) noexcept;
bool is_resource(const Destination& d) noexcept;

BOOST_DESCRIBE_ENUM(DestinationType, node, resource, opaque_id_type)
RELOAD_WIRE_DESCRIBE(OpaqueId, (id))
RELOAD_WIRE_DESCRIBE(CompressedId, (value))
RELOAD_WIRE_DESCRIBE(UnknownDestination, (type, data))

}  // namespace reload::wire
