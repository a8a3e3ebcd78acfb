#include "wire/attach.hpp"

#include <algorithm>

namespace reload::wire {

namespace {

bool has_rel_addr(CandType t) noexcept { return t == CandType::srflx || t == CandType::relay; }

bool known_cand_type(CandType t) noexcept { return t == CandType::host || has_rel_addr(t); }

void decode_candidates(Reader& r, std::vector<IceCandidate>& out, const CodecContext& ctx,
                       const char* field) {
  Reader list = r.sub(2, field);
  out.clear();
  while (list.more()) {
    IceCandidate c;
    decode(list, c, ctx);
    if (list.ok()) out.push_back(std::move(c));
  }
}

void encode_candidates(Writer& w, const std::vector<IceCandidate>& candidates,
                       const char* field) {
  auto len = w.length_prefix(2, field);
  for (const auto& c : candidates) encode(w, c);
}

// AppAttachReq and AppAttachAns share one layout but stay distinct types, so that a request
// can never be sent where an answer is due.
template <class AppAttach>
void decode_app_attach(Reader& r, AppAttach& a, const CodecContext& ctx) {
  a.ufrag = r.opaque(1, "AppAttach.ufrag");
  a.password = r.opaque(1, "AppAttach.password");
  a.application = r.u16("AppAttach.application");
  a.role = r.opaque(1, "AppAttach.role");
  decode_candidates(r, a.candidates, ctx, "AppAttach.candidates");
}

template <class AppAttach>
void encode_app_attach(Writer& w, const AppAttach& a) {
  w.opaque(1, a.ufrag, "AppAttach.ufrag");
  w.opaque(1, a.password, "AppAttach.password");
  w.u16(a.application);
  w.opaque(1, a.role, "AppAttach.role");
  encode_candidates(w, a.candidates, "AppAttach.candidates");
}

}  // namespace

void decode(Reader& r, IceExtension& e, const CodecContext&) {
  e.name = r.opaque(2, "IceExtension.name");
  e.value = r.opaque(2, "IceExtension.value");
}

void encode(Writer& w, const IceExtension& e) {
  w.opaque(2, e.name, "IceExtension.name");
  w.opaque(2, e.value, "IceExtension.value");
}

void decode(Reader& r, IceCandidate& c, const CodecContext& ctx) {
  decode(r, c.addr_port, ctx);
  std::size_t link_at = r.offset();
  c.overlay_link = static_cast<OverlayLinkType>(r.u8("IceCandidate.overlay_link"));
  if (r.ok() && static_cast<std::uint8_t>(c.overlay_link) == 0) {
    r.fail_at(link_at, codec_errc::invalid_value, "IceCandidate.overlay_link");
    return;
  }
  c.foundation = r.opaque(1, "IceCandidate.foundation");
  c.priority = r.u32("IceCandidate.priority");
  std::size_t type_at = r.offset();
  std::uint8_t type = r.u8("IceCandidate.type");
  if (!r.ok()) return;
  c.type = static_cast<CandType>(type);
  if (!known_cand_type(c.type)) {
    // Without a length, the bytes after an unknown type cannot be found.
    r.fail_at(type_at, type == 0 ? codec_errc::invalid_value : codec_errc::unknown_type,
              "IceCandidate.type");
    return;
  }
  c.rel_addr_port.reset();
  if (has_rel_addr(c.type)) {
    IpAddressPort rel;
    decode(r, rel, ctx);
    c.rel_addr_port = rel;
  }
  Reader exts = r.sub(2, "IceCandidate.extensions");
  c.extensions.clear();
  while (exts.more()) {
    IceExtension e;
    decode(exts, e, ctx);
    if (exts.ok()) c.extensions.push_back(e);
  }
}

void encode(Writer& w, const IceCandidate& c) {
  if (static_cast<std::uint8_t>(c.overlay_link) == 0)
    w.fail(codec_errc::invalid_value, "IceCandidate.overlay_link");
  // The type decides whether rel_addr_port is on the wire; a mismatch would lose or invent it.
  if (!known_cand_type(c.type) || has_rel_addr(c.type) != c.rel_addr_port.has_value())
    w.fail(codec_errc::invalid_value, "IceCandidate.type");
  encode(w, c.addr_port);
  w.u8(static_cast<std::uint8_t>(c.overlay_link));
  w.opaque(1, c.foundation, "IceCandidate.foundation");
  w.u32(c.priority);
  w.u8(static_cast<std::uint8_t>(c.type));
  if (c.rel_addr_port) encode(w, *c.rel_addr_port);
  auto len = w.length_prefix(2, "IceCandidate.extensions");
  for (const auto& e : c.extensions) encode(w, e);
}

void decode(Reader& r, AttachReqAns& a, const CodecContext& ctx) {
  a.ufrag = r.opaque(1, "AttachReqAns.ufrag");
  a.password = r.opaque(1, "AttachReqAns.password");
  a.role = r.opaque(1, "AttachReqAns.role");
  decode_candidates(r, a.candidates, ctx, "AttachReqAns.candidates");
  a.send_update = r.boolean("AttachReqAns.send_update");
}

void encode(Writer& w, const AttachReqAns& a) {
  w.opaque(1, a.ufrag, "AttachReqAns.ufrag");
  w.opaque(1, a.password, "AttachReqAns.password");
  w.opaque(1, a.role, "AttachReqAns.role");
  encode_candidates(w, a.candidates, "AttachReqAns.candidates");
  w.boolean(a.send_update);
}

void decode(Reader& r, AppAttachReq& a, const CodecContext& ctx) { decode_app_attach(r, a, ctx); }
void encode(Writer& w, const AppAttachReq& a) { encode_app_attach(w, a); }
void decode(Reader& r, AppAttachAns& a, const CodecContext& ctx) { decode_app_attach(r, a, ctx); }
void encode(Writer& w, const AppAttachAns& a) { encode_app_attach(w, a); }

const char* overlay_link_name(OverlayLinkType t) noexcept {
  switch (t) {
    case OverlayLinkType::dtls_udp_sr: return "DTLS-UDP-SR";
    case OverlayLinkType::dtls_udp_sr_no_ice: return "DTLS-UDP-SR-NO-ICE";
    case OverlayLinkType::tls_tcp_fh_no_ice: return "TLS-TCP-FH-NO-ICE";
    case OverlayLinkType::exp_link: return "EXP-LINK";
  }
  return nullptr;
}

const char* cand_type_name(CandType t) noexcept {
  switch (t) {
    case CandType::host: return "host";
    case CandType::srflx: return "srflx";
    case CandType::relay: return "relay";
  }
  return "?";
}

bool uses_ice(OverlayLinkType t) noexcept {
  return t != OverlayLinkType::dtls_udp_sr_no_ice && t != OverlayLinkType::tls_tcp_fh_no_ice;
}

bool mixes_ice_and_no_ice(const std::vector<IceCandidate>& candidates) noexcept {
  bool ice = std::any_of(candidates.begin(), candidates.end(),
                         [](const IceCandidate& c) { return uses_ice(c.overlay_link); });
  bool no_ice = std::any_of(candidates.begin(), candidates.end(),
                            [](const IceCandidate& c) { return !uses_ice(c.overlay_link); });
  return ice && no_ice;
}

}  // namespace reload::wire
