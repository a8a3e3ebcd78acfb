// Decoding and printing one unit: a RELOAD message, or a frame with the message inside.
//
// Every function appends the tree of what it could decode to the writer and returns the first
// error, whose offset is absolute: `base` is the offset of the unit's first byte in the input
// (the file, the datagram or the TCP stream).
#pragma once

#include <cstddef>
#include <optional>

#include "wire/bytes.hpp"
#include "wire/codec_context.hpp"
#include "wire/framing.hpp"
#include "wire/message_contents.hpp"
#include "wire/print.hpp"
#include "wire/reader.hpp"

namespace reload::dump {

class Dumper {
 public:
  explicit Dumper(const wire::CodecContext& ctx) : ctx_(ctx) {}
  const wire::CodecContext& context() const noexcept { return ctx_; }

  // One whole message (or one fragment: its header, and a note that the body is not decoded).
  // `at_byte` adds "at byte <base>" to the first line, for inputs of several units.
  std::optional<wire::DecodeError> message(wire::TreeWriter& w, wire::Bytes unit,
                                           std::size_t base, bool at_byte = false) const;

  // One decoded frame: its fields, then the message it carries. `base` is the offset of the
  // frame's type byte.
  std::optional<wire::DecodeError> frame(wire::TreeWriter& w, const wire::FramedMessage& f,
                                         std::size_t base, bool at_byte = false) const;

  // Every unit in `in`, back to back: frames, or messages cut by their header's length.
  // Stops at the first error.
  std::optional<wire::DecodeError> frames(wire::TreeWriter& w, wire::Bytes in,
                                          std::size_t base = 0) const;
  std::optional<wire::DecodeError> messages(wire::TreeWriter& w, wire::Bytes in,
                                            std::size_t base = 0) const;

 private:
  // Prints the header, contents and security block as far as each decodes on its own.
  std::optional<wire::DecodeError> parts(wire::TreeWriter& w, wire::Bytes unit,
                                         std::size_t base) const;
  // The contents with the body decoded by its message code (wire::decode_body).
  std::optional<wire::DecodeError> print_contents(wire::TreeWriter& w,
                                                  const wire::MessageContents& c,
                                                  std::size_t body_offset) const;
  // What is left of a frame whose message runs past the input.
  void truncated_frame(wire::TreeWriter& w, wire::Bytes frame, std::size_t base) const;

  wire::CodecContext ctx_;
};

// "truncated at byte 57 (StoredData.storage_time)", the offset moved by `base`.
wire::DecodeError shifted(wire::DecodeError e, std::size_t base);

}  // namespace reload::dump
