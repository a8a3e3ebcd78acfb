// The forwarding path of an intermediate peer (DESIGN.md principle 4): read and rewrite only
// the forwarding header, never the body, and allocate nothing once the output buffer has grown.
//
// peek_header() checks the fixed part and that the three lists and the announced length fit
// the bytes; the lists stay encoded. rewrite_header() pops leading destinations, appends a via
// entry and decrements the TTL in one copy.
#pragma once

#include <cstdint>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include "wire/bytes.hpp"
#include "wire/codec_context.hpp"
#include "wire/destination.hpp"
#include "wire/reader.hpp"

namespace reload::wire {

struct HeaderView {
  std::uint32_t overlay = 0;
  std::uint16_t configuration_sequence = 0;
  std::uint8_t ttl = 0;
  std::uint32_t fragment = 0;
  std::uint32_t length = 0;
  std::uint64_t transaction_id = 0;
  std::uint32_t max_response_length = 0;
  Bytes via_list;          // encoded Destinations
  Bytes destination_list;  // encoded Destinations, never empty
  Bytes options;           // encoded ForwardingOptions
  std::size_t header_size = 0;  // fixed part plus the three lists

  bool is_whole() const noexcept;
  Bytes first_destination() const noexcept;  // the encoded first entry
  std::size_t destination_count() const noexcept;
};

// Checks token, version, the fragment field's top bit, that the header's length equals
// message.size(), and that every list is made of whole destinations / options.
boost::system::result<HeaderView> peek_header(Bytes message, DecodeError* detail = nullptr);

// The first destination, decoded (for the routing decision).
boost::system::result<Destination> decode_first_destination(const HeaderView& h,
                                                            const CodecContext& ctx);

struct ForwardEdit {
  std::size_t pop_destinations = 0;  // leading destination entries to remove
  Bytes push_via;                    // an encoded Destination to append to the via list, or empty
  bool decrement_ttl = true;
};

// Writes `message` with `edit` applied into `out` (cleared first; its capacity is reused),
// fixing the via and destination list lengths and the message length. Fails with
// reload::errc::ttl_exceeded when the TTL is already 0, and with codec_errc::invalid_value
// when the edit would pop more destinations than there are or leave none.
boost::system::error_code rewrite_header(Bytes message, const HeaderView& h,
                                         const ForwardEdit& edit, Buffer& out);

// One Destination, encoded: what ForwardEdit::push_via wants (computed once per peer).
Buffer encode_destination(const Destination& d);

}  // namespace reload::wire
