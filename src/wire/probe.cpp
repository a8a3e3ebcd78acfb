#include "wire/probe.hpp"

namespace reload::wire {

bool is_known(ProbeInformationType t) noexcept {
  return t == ProbeInformationType::responsible_set ||
         t == ProbeInformationType::num_resources || t == ProbeInformationType::uptime;
}

void decode(Reader& r, ProbeReq& p, const CodecContext&) {
  Reader list = r.sub(1, "ProbeReq.requested_info");
  p.requested_info.clear();
  while (list.more()) {
    std::size_t at = list.offset();
    std::uint8_t t = list.u8("ProbeReq.requested_info");
    if (t == 0) {
      list.fail_at(at, codec_errc::invalid_value, "ProbeReq.requested_info");
      return;
    }
    p.requested_info.push_back(static_cast<ProbeInformationType>(t));
  }
}

void encode(Writer& w, const ProbeReq& p) {
  auto len = w.length_prefix(1, "ProbeReq.requested_info");
  for (auto t : p.requested_info) {
    if (static_cast<std::uint8_t>(t) == 0)
      w.fail(codec_errc::invalid_value, "ProbeReq.requested_info");
    w.u8(static_cast<std::uint8_t>(t));
  }
}

void decode(Reader& r, ProbeInformation& p, const CodecContext&) {
  std::size_t type_at = r.offset();
  std::uint8_t type = r.u8("ProbeInformation.type");
  std::size_t length_at = r.offset();
  Reader value = r.sub(1, "ProbeInformation.length");
  if (!r.ok()) return;
  if (type == 0) {
    r.fail_at(type_at, codec_errc::invalid_value, "ProbeInformation.type");
    return;
  }
  p = ProbeInformation{};
  p.type = static_cast<ProbeInformationType>(type);
  if (!is_known(p.type)) {
    p.unknown_value = value.rest();
    return;
  }
  if (value.remaining() != 4) {
    r.fail_at(length_at, codec_errc::invalid_value, "ProbeInformation.length");
    return;
  }
  p.value = value.u32("ProbeInformation.value");
}

void encode(Writer& w, const ProbeInformation& p) {
  auto type = static_cast<std::uint8_t>(p.type);
  if (type == 0) w.fail(codec_errc::invalid_value, "ProbeInformation.type");
  w.u8(type);
  if (!is_known(p.type)) {
    w.opaque(1, p.unknown_value, "ProbeInformation.length");
    return;
  }
  w.u8(4);
  w.u32(p.value);
}

void decode(Reader& r, ProbeAns& p, const CodecContext& ctx) {
  Reader list = r.sub(2, "ProbeAns.probe_info");
  p.probe_info.clear();
  while (list.more()) {
    ProbeInformation info;
    decode(list, info, ctx);
    if (list.ok()) p.probe_info.push_back(info);
  }
}

void encode(Writer& w, const ProbeAns& p) {
  auto len = w.length_prefix(2, "ProbeAns.probe_info");
  for (const auto& info : p.probe_info) encode(w, info);
}

}  // namespace reload::wire
