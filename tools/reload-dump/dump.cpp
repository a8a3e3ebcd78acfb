#include "dump.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "wire/body.hpp"
#include "wire/forwarding_header.hpp"
#include "wire/message.hpp"
#include "wire/security_block.hpp"

namespace reload::dump {

using namespace reload::wire;

namespace {

std::string byte_count(std::size_t n) { return n == 1 ? "1 byte" : fmt::format("{} bytes", n); }

std::string unit_type(std::string type, std::size_t base, bool at_byte) {
  if (at_byte) type += fmt::format(" at byte {}", base);
  return type;
}

template <class T>
const char* type_name() {
  return wire_name(static_cast<const T*>(nullptr));
}

std::uint32_t be32(Bytes b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
         (std::uint32_t{b[at + 2]} << 8) | b[at + 3];
}

bool has_token(Bytes b, std::size_t at) {
  return b.size() >= at + 4 && be32(b, at) == relo_token;
}

// The size of the message at the front of `b` when another message follows it; otherwise
// all of `b` (so that a wrong length field is reported as such, not as a broken second unit).
std::size_t cut_message(Bytes b) {
  if (b.size() < 20 || !has_token(b, 0)) return b.size();
  std::size_t length = be32(b, 16);
  if (length >= fixed_header_size && length < b.size() && has_token(b, length)) return length;
  return b.size();
}

// The size of the frame at the front of `b` as its header announces it (0 when unknown).
std::size_t frame_size(Bytes b) {
  if (b.empty()) return 0;
  if (b[0] == static_cast<std::uint8_t>(FramedMessageType::ack)) return 9;
  if (b[0] == static_cast<std::uint8_t>(FramedMessageType::data) && b.size() >= 8)
    return 8 + ((std::size_t{b[5]} << 16) | (std::size_t{b[6]} << 8) | b[7]);
  return 0;
}

std::optional<DecodeError> earliest(std::optional<DecodeError> a, std::optional<DecodeError> b) {
  if (!a) return b;
  if (!b) return a;
  return b->offset < a->offset ? b : a;
}

// The fields of the header's fixed part (those before via_list).
void fixed_header_fields(TreeWriter& w, const ForwardingHeader& h) {
  using Members = boost::describe::describe_members<ForwardingHeader, boost::describe::mod_any_access>;
  bool fixed = true;
  boost::mp11::mp_for_each<Members>([&](auto m) {
    if (std::string_view(m.name) == "via_list") fixed = false;
    if (fixed) print_tree(w, m.name, h.*m.pointer);
  });
}

}  // namespace

DecodeError shifted(DecodeError e, std::size_t base) {
  e.offset += base;
  return e;
}

std::optional<DecodeError> Dumper::message(TreeWriter& w, Bytes unit, std::size_t base,
                                           bool at_byte) const {
  DecodeError err;
  auto m = decode_message(unit, ctx_, &err);
  w.open("message", unit_type(fmt::format("{}, {}", type_name<Message>(), byte_count(unit.size())),
                              base, at_byte));
  auto body_error = parts(w, unit, base);
  if (err.ec == codec_errc::length_mismatch && unit.size() >= 20)
    w.line(fmt::format("the header's length says {}, the input has {}", byte_count(be32(unit, 16)),
                       unit.size()));
  w.close();
  if (m || err.ec == codec_errc::fragmented) return body_error;  // a fragment is no error
  return earliest(shifted(err, base), body_error);
}

std::optional<DecodeError> Dumper::parts(TreeWriter& w, Bytes unit, std::size_t base) const {
  // Each part is printed when it decodes; decode_message() (in message()) names the error.
  Reader r(unit);
  ForwardingHeader header;
  decode(r, header, ctx_);
  if (!r.ok()) {
    // The fixed part was read when the error lies in the lists behind it: show it.
    if (r.error().offset >= fixed_header_size) {
      w.open("header", fmt::format("{}, incomplete", type_name<ForwardingHeader>()));
      fixed_header_fields(w, header);
      w.line("via_list, destination_list, options: not decoded");
      w.close();
    }
    return std::nullopt;
  }
  print_tree(w, "header", header);
  if (!header.is_whole()) {
    w.line(fmt::format("fragment at offset {}, {}: the body is not decoded (reassemble the "
                       "fragments first)",
                       header.fragment_offset(),
                       header.is_last_fragment() ? "the last one" : "not the last one"));
    return std::nullopt;
  }

  std::size_t contents_at = r.offset();
  MessageContents contents;
  decode(r, contents, ctx_);
  if (!r.ok()) return std::nullopt;
  // message_code(2) | body length(4) | body
  auto body_error = print_contents(w, contents, base + contents_at + 6);

  SecurityBlock security;
  decode(r, security, ctx_);
  if (!r.ok()) return body_error;
  print_tree(w, "security", security);
  return body_error;
}

std::optional<DecodeError> Dumper::print_contents(TreeWriter& w, const MessageContents& c,
                                                  std::size_t body_offset) const {
  DecodeError err;
  auto body = decode_body(c.message_code, c.message_body, ctx_, &err);
  w.open("contents", type_name<MessageContents>());
  using Members = boost::describe::describe_members<MessageContents, boost::describe::mod_any_access>;
  boost::mp11::mp_for_each<Members>([&](auto m) {
    // A body that decodes is shown as its structure below, not as hex as well.
    if (body && std::string_view(m.name) == "message_body")
      w.field(m.name, fmt::format("<{}> (decoded below)", byte_count(c.message_body.size())));
    else
      print_tree(w, m.name, c.*m.pointer);
  });
  std::optional<DecodeError> e;
  if (body) {
    print_tree(w, "body", *body);  // every body structure prints as described, e.g. `body (PingReq)`
  } else if (!message_code_name(c.message_code)) {
    w.line(fmt::format("body: not decoded, message code 0x{:04x} is unassigned", c.message_code));
  } else {
    w.line(fmt::format("body: does not decode as {}", message_code_name(c.message_code)));
    e = shifted(err, body_offset);
  }
  w.close();
  return e;
}

std::optional<DecodeError> Dumper::frame(TreeWriter& w, const FramedMessage& f, std::size_t base,
                                         bool at_byte) const {
  return std::visit(
      [&](const auto& frame) -> std::optional<DecodeError> {
        using F = std::decay_t<decltype(frame)>;
        w.open("frame", unit_type(type_name<F>(), base, at_byte));
        std::optional<DecodeError> e;
        if constexpr (std::is_same_v<F, FramedData>) {
          print_tree(w, "type", FramedMessageType::data);
          print_tree(w, "sequence", frame.sequence);
          e = message(w, frame.message, base + 8);
        } else {
          print_tree(w, "type", FramedMessageType::ack);
          print_members(w, frame);
        }
        w.close();
        return e;
      },
      f);
}

void Dumper::truncated_frame(TreeWriter& w, Bytes frame, std::size_t base) const {
  if (frame.size() < 8 || frame[0] != static_cast<std::uint8_t>(FramedMessageType::data)) return;
  std::size_t announced = frame_size(frame) - 8;
  if (announced <= frame.size() - 8) return;  // not a truncation
  w.open("frame", type_name<FramedData>());
  print_tree(w, "type", FramedMessageType::data);
  print_tree(w, "sequence", be32(frame, 1));
  Bytes present = frame.subspan(8);
  w.open("message", fmt::format("{}, {} announced, {} present", type_name<Message>(),
                                byte_count(announced), byte_count(present.size())));
  parts(w, present, base + 8);
  w.close();
  w.close();
}

std::optional<DecodeError> Dumper::frames(TreeWriter& w, Bytes in, std::size_t base) const {
  const bool several = frame_size(in) != 0 && frame_size(in) < in.size();
  Reader r(in, base);
  do {
    std::size_t at = r.offset();
    FramedMessage f;
    decode(r, f, ctx_);
    if (!r.ok()) {
      truncated_frame(w, in.subspan(at - base), at);
      return r.error();
    }
    if (auto e = frame(w, f, at, several)) return e;
  } while (r.more());
  return std::nullopt;
}

std::optional<DecodeError> Dumper::messages(TreeWriter& w, Bytes in, std::size_t base) const {
  const bool several = cut_message(in) < in.size();
  std::size_t pos = 0;
  do {
    Bytes rest = in.subspan(pos);
    std::size_t n = cut_message(rest);
    if (auto e = message(w, rest.first(n), base + pos, several)) return e;
    pos += n;
  } while (pos < in.size());
  return std::nullopt;
}

}  // namespace reload::dump
