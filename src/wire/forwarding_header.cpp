#include "wire/forwarding_header.hpp"

namespace reload::wire {

void decode(Reader& r, ForwardingOption& o, const CodecContext&) {
  o.type = r.u8("ForwardingOption.type");
  o.flags = r.u8("ForwardingOption.flags");
  o.option = r.opaque(2, "ForwardingOption.length");
}

void encode(Writer& w, const ForwardingOption& o) {
  w.u8(o.type);
  w.u8(o.flags);
  w.opaque(2, o.option, "ForwardingOption.option");
}

void decode(Reader& r, ForwardingHeader& h, const CodecContext& ctx) {
  std::size_t at = r.offset();
  if (r.u32("ForwardingHeader.relo_token") != relo_token) {
    r.fail_at(at, codec_errc::bad_relo_token, "ForwardingHeader.relo_token");
    return;
  }
  h.overlay = r.u32("ForwardingHeader.overlay");
  h.configuration_sequence = r.u16("ForwardingHeader.configuration_sequence");
  h.version = r.u8("ForwardingHeader.version");
  if (r.ok() && h.version != reload_version) {
    r.fail_at(at + 10, codec_errc::unsupported_version, "ForwardingHeader.version");
    return;
  }
  h.ttl = r.u8("ForwardingHeader.ttl");
  h.fragment = r.u32("ForwardingHeader.fragment");
  if (r.ok() && !(h.fragment & fragment_must_be_set)) {
    r.fail_at(at + 12, codec_errc::bad_fragment_field, "ForwardingHeader.fragment");
    return;
  }
  h.length = r.u32("ForwardingHeader.length");
  h.transaction_id = r.u64("ForwardingHeader.transaction_id");
  h.max_response_length = r.u32("ForwardingHeader.max_response_length");
  std::uint16_t via_len = r.u16("ForwardingHeader.via_list_length");
  std::uint16_t dest_len = r.u16("ForwardingHeader.destination_list_length");
  std::uint16_t opt_len = r.u16("ForwardingHeader.options_length");
  if (!r.ok()) return;

  Reader via = r.sub_fixed(via_len, "ForwardingHeader.via_list");
  decode_destinations(via, h.via_list, ctx, ResourcePlacement::forbidden);
  Reader dest = r.sub_fixed(dest_len, "ForwardingHeader.destination_list");
  decode_destinations(dest, h.destination_list, ctx, ResourcePlacement::last_only);
  if (r.ok() && h.destination_list.empty()) {
    r.fail(codec_errc::invalid_value, "ForwardingHeader.destination_list (empty)");
    return;
  }
  Reader opts = r.sub_fixed(opt_len, "ForwardingHeader.options");
  h.options.clear();
  while (opts.more()) {
    ForwardingOption o;
    decode(opts, o, ctx);
    if (opts.ok()) h.options.push_back(o);
  }
}

void encode(Writer& w, const ForwardingHeader& h) {
  w.u32(relo_token);
  w.u32(h.overlay);
  w.u16(h.configuration_sequence);
  w.u8(h.version);
  w.u8(h.ttl);
  w.u32(h.fragment);
  w.u32(h.length);
  w.u64(h.transaction_id);
  w.u32(h.max_response_length);
  std::size_t lengths_at = w.size();
  w.u16(0);
  w.u16(0);
  w.u16(0);
  std::size_t start = w.size();
  encode_destinations(w, h.via_list);
  std::size_t via_len = w.size() - start;
  start = w.size();
  encode_destinations(w, h.destination_list);
  std::size_t dest_len = w.size() - start;
  start = w.size();
  for (const auto& o : h.options) encode(w, o);
  std::size_t opt_len = w.size() - start;
  if (via_len > 0xffff || dest_len > 0xffff || opt_len > 0xffff) {
    w.fail(codec_errc::value_too_long, "ForwardingHeader lists");
    return;
  }
  w.patch(lengths_at, 2, via_len);
  w.patch(lengths_at + 2, 2, dest_len);
  w.patch(lengths_at + 4, 2, opt_len);
}

}  // namespace reload::wire
