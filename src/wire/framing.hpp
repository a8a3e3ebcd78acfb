// The per-hop framing header (RFC 6940 section 6.6.2), used over TLS and DTLS alike:
//   data: 128 | sequence(4) | message<0..2^24-1>
//   ack:  129 | ack_sequence(4) | received(4)
#pragma once

#include <cstdint>
#include <optional>
#include <variant>

#include <boost/system/error_code.hpp>

#include "wire/bytes.hpp"
#include "wire/describe.hpp"
#include "wire/codec_context.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

namespace reload::wire {

enum class FramedMessageType : std::uint8_t { data = 128, ack = 129 };

struct FramedData {
  std::uint32_t sequence = 0;
  Bytes message;  // <0..2^24-1>
};

struct FramedAck {
  std::uint32_t ack_sequence = 0;
  std::uint32_t received = 0;  // bit k (LSB = 0) set: ack_sequence - k was received (k = 1..31)
};

using FramedMessage = std::variant<FramedData, FramedAck>;

void decode(Reader& r, FramedMessage& f, const CodecContext& ctx);
void encode(Writer& w, const FramedMessage& f);

// Cuts a byte stream (TLS over TCP) into frames, sans-I/O: put() what arrived, then take
// frames with next() until it returns nothing. A frame whose message is longer than
// `max_message_size`, or an unknown frame type, is an error after which the link must close.
class FrameParser {
 public:
  explicit FrameParser(std::size_t max_message_size) : max_(max_message_size) {}

  void put(Bytes data);
  // The next whole frame, or nullopt when more bytes are needed (ec clear) or the stream is
  // broken (ec set). The frame's message view is valid until the next put() or next().
  std::optional<FramedMessage> next(boost::system::error_code& ec);
  std::size_t buffered() const noexcept { return buf_.size() - start_; }
  std::size_t capacity() const noexcept { return buf_.capacity(); }

  // What the buffer may keep once everything in it was consumed.
  static constexpr std::size_t kept_capacity = 4096;

 private:
  std::size_t max_;
  Buffer buf_;
  std::size_t start_ = 0;
  bool broken_ = false;
};

BOOST_DESCRIBE_ENUM(FramedMessageType, data, ack)
RELOAD_WIRE_DESCRIBE(FramedData, (sequence, message))
RELOAD_WIRE_DESCRIBE(FramedAck, (ack_sequence, received))

}  // namespace reload::wire
