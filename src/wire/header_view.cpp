#include "wire/header_view.hpp"

#include <cstring>

#include "wire/forwarding_header.hpp"
#include "wire/writer.hpp"

namespace reload::wire {

bool HeaderView::is_whole() const noexcept {
  return (fragment & fragment_last) && (fragment & fragment_offset_mask) == 0;
}

Bytes HeaderView::first_destination() const noexcept {
  return destination_list.first(destination_size(destination_list));
}

std::size_t HeaderView::destination_count() const noexcept {
  std::size_t n = 0;
  for (Bytes rest = destination_list; !rest.empty(); ++n) rest = rest.subspan(destination_size(rest));
  return n;
}

namespace {
// True when `list` is a sequence of whole destinations.
bool whole_destinations(Bytes list) noexcept {
  while (!list.empty()) {
    std::size_t n = destination_size(list);
    if (n == 0) return false;
    list = list.subspan(n);
  }
  return true;
}

bool whole_options(Bytes list) noexcept {
  while (!list.empty()) {
    if (list.size() < 4) return false;
    std::size_t n = 4 + ((std::size_t{list[2]} << 8) | list[3]);
    if (n > list.size()) return false;
    list = list.subspan(n);
  }
  return true;
}
}  // namespace

boost::system::result<HeaderView> peek_header(Bytes message, DecodeError* detail) {
  Reader r(message);
  HeaderView h;
  auto failed = [&]() -> boost::system::result<HeaderView> {
    if (detail) *detail = r.error();
    return r.error().ec;
  };
  if (r.u32("ForwardingHeader.relo_token") != relo_token) {
    r.fail_at(0, codec_errc::bad_relo_token, "ForwardingHeader.relo_token");
    return failed();
  }
  h.overlay = r.u32("ForwardingHeader.overlay");
  h.configuration_sequence = r.u16("ForwardingHeader.configuration_sequence");
  if (r.u8("ForwardingHeader.version") != reload_version) {
    r.fail_at(10, codec_errc::unsupported_version, "ForwardingHeader.version");
    return failed();
  }
  h.ttl = r.u8("ForwardingHeader.ttl");
  h.fragment = r.u32("ForwardingHeader.fragment");
  if (r.ok() && !(h.fragment & fragment_must_be_set)) {
    r.fail_at(12, codec_errc::bad_fragment_field, "ForwardingHeader.fragment");
    return failed();
  }
  h.length = r.u32("ForwardingHeader.length");
  h.transaction_id = r.u64("ForwardingHeader.transaction_id");
  h.max_response_length = r.u32("ForwardingHeader.max_response_length");
  std::uint16_t via_len = r.u16("ForwardingHeader.via_list_length");
  std::uint16_t dest_len = r.u16("ForwardingHeader.destination_list_length");
  std::uint16_t opt_len = r.u16("ForwardingHeader.options_length");
  h.via_list = r.take(via_len, "ForwardingHeader.via_list");
  h.destination_list = r.take(dest_len, "ForwardingHeader.destination_list");
  h.options = r.take(opt_len, "ForwardingHeader.options");
  if (!r.ok()) return failed();
  if (h.length != message.size()) {
    r.fail_at(16, codec_errc::length_mismatch, "ForwardingHeader.length");
    return failed();
  }
  if (!whole_destinations(h.via_list)) {
    r.fail_at(fixed_header_size, codec_errc::truncated, "ForwardingHeader.via_list");
    return failed();
  }
  if (h.destination_list.empty() || !whole_destinations(h.destination_list)) {
    r.fail_at(fixed_header_size + via_len, codec_errc::truncated,
              "ForwardingHeader.destination_list");
    return failed();
  }
  if (!whole_options(h.options)) {
    r.fail_at(fixed_header_size + via_len + dest_len, codec_errc::truncated,
              "ForwardingHeader.options");
    return failed();
  }
  h.header_size = r.offset();
  return h;
}

boost::system::result<Destination> decode_first_destination(const HeaderView& h,
                                                            const CodecContext& ctx) {
  Reader r(h.first_destination(), fixed_header_size + h.via_list.size());
  Destination d;
  decode(r, d, ctx);
  r.expect_end("Destination");
  if (!r.ok()) return r.error().ec;
  return d;
}

boost::system::error_code rewrite_header(Bytes message, const HeaderView& h,
                                         const ForwardEdit& edit, Buffer& out) {
  if (edit.decrement_ttl && h.ttl == 0) return make_error_code(errc::ttl_exceeded);
  Bytes dest = h.destination_list;
  for (std::size_t i = 0; i < edit.pop_destinations; ++i) {
    std::size_t n = destination_size(dest);
    if (n == 0) return make_error_code(codec_errc::invalid_value);
    dest = dest.subspan(n);
  }
  if (dest.empty()) return make_error_code(codec_errc::invalid_value);
  std::size_t via_len = h.via_list.size() + edit.push_via.size();
  if (via_len > 0xffff) return make_error_code(codec_errc::value_too_long);

  std::size_t body_at = h.header_size;
  std::size_t total = fixed_header_size + via_len + dest.size() + h.options.size() +
                      (message.size() - body_at);
  out.resize(total);
  std::uint8_t* p = out.data();
  std::memcpy(p, message.data(), fixed_header_size);
  if (edit.decrement_ttl) p[11] = static_cast<std::uint8_t>(h.ttl - 1);
  auto put32 = [](std::uint8_t* at, std::size_t v) {
    at[0] = static_cast<std::uint8_t>(v >> 24);
    at[1] = static_cast<std::uint8_t>(v >> 16);
    at[2] = static_cast<std::uint8_t>(v >> 8);
    at[3] = static_cast<std::uint8_t>(v);
  };
  auto put16 = [](std::uint8_t* at, std::size_t v) {
    at[0] = static_cast<std::uint8_t>(v >> 8);
    at[1] = static_cast<std::uint8_t>(v);
  };
  put32(p + 16, total);
  put16(p + 32, via_len);
  put16(p + 34, dest.size());
  p += fixed_header_size;
  auto append = [&p](Bytes b) {
    if (!b.empty()) std::memcpy(p, b.data(), b.size());
    p += b.size();
  };
  append(h.via_list);
  append(edit.push_via);
  append(dest);
  append(h.options);
  append(message.subspan(body_at));
  return {};
}

Buffer encode_destination(const Destination& d) {
  Buffer out;
  Writer w(out);
  encode(w, d);
  return out;
}

}  // namespace reload::wire
