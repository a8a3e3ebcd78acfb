// The Attach and AppAttach bodies (RFC 6940 sections 6.5.1.1 and 6.5.2).
//
//   AttachReqAns  = ufrag<0..2^8-1> | password<0..2^8-1> | role<0..2^8-1>
//                   | IceCandidate candidates<0..2^16-1> | send_update(1)
//   AppAttachReq  = ufrag<0..2^8-1> | password<0..2^8-1> | application(2) | role<0..2^8-1>
//                   | IceCandidate candidates<0..2^16-1>            (AppAttachAns the same)
//   IceCandidate  = IpAddressPort addr_port | overlay_link(1) | foundation<0..255> | priority(4)
//                   | type(1) | [IpAddressPort rel_addr_port, for srflx and relay only]
//                   | IceExtension extensions<0..2^16-1>
//   IceExtension  = name<0..2^16-1> | value<0..2^16-1>
// AppAttach has no send_update and its application comes before role (PITFALLS.md item 13).
// CandType has no length of its own, so an unknown CandType cannot be skipped: it is
// unknown_type. An unknown OverlayLinkType is kept: the candidate still parses, and ICE
// ignores candidates whose transport it does not know.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "wire/bytes.hpp"
#include "wire/codec_context.hpp"
#include "wire/describe.hpp"
#include "wire/ip_address_port.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

namespace reload::wire {

// RFC 6940 section 14.10; 2 is unassigned.
enum class OverlayLinkType : std::uint8_t {
  dtls_udp_sr = 1,
  dtls_udp_sr_no_ice = 3,
  tls_tcp_fh_no_ice = 4,
  exp_link = 5,
};

// 3 is RESERVED (it was prflx in drafts).
enum class CandType : std::uint8_t { host = 1, srflx = 2, relay = 4 };

// RFC 4145 roles: an Attach request carries "passive", its answer "active" (section 6.5.1.1).
inline constexpr std::string_view role_passive = "passive";
inline constexpr std::string_view role_active = "active";

struct IceExtension {
  Bytes name;   // <0..2^16-1>
  Bytes value;  // <0..2^16-1>
};

struct IceCandidate {
  IpAddressPort addr_port;
  OverlayLinkType overlay_link = OverlayLinkType::dtls_udp_sr;
  Bytes foundation;  // <0..255>
  std::uint32_t priority = 0;
  CandType type = CandType::host;
  std::optional<IpAddressPort> rel_addr_port;  // set exactly when type is srflx or relay
  std::vector<IceExtension> extensions;        // <0..2^16-1>
};

struct AttachReqAns {
  Bytes ufrag;     // <0..2^8-1>
  Bytes password;  // <0..2^8-1>
  Bytes role;      // <0..2^8-1>
  std::vector<IceCandidate> candidates;  // <0..2^16-1>
  bool send_update = false;
};

struct AppAttachReq {
  Bytes ufrag;     // <0..2^8-1>
  Bytes password;  // <0..2^8-1>
  std::uint16_t application = 0;  // Application-ID (section 14.5), 5222 for XMPP
  Bytes role;      // <0..2^8-1>
  std::vector<IceCandidate> candidates;  // <0..2^16-1>
};

struct AppAttachAns {
  Bytes ufrag;
  Bytes password;
  std::uint16_t application = 0;
  Bytes role;
  std::vector<IceCandidate> candidates;
};

void decode(Reader& r, IceExtension& e, const CodecContext& ctx);
void encode(Writer& w, const IceExtension& e);
void decode(Reader& r, IceCandidate& c, const CodecContext& ctx);
void encode(Writer& w, const IceCandidate& c);
void decode(Reader& r, AttachReqAns& a, const CodecContext& ctx);
void encode(Writer& w, const AttachReqAns& a);
void decode(Reader& r, AppAttachReq& a, const CodecContext& ctx);
void encode(Writer& w, const AppAttachReq& a);
void decode(Reader& r, AppAttachAns& a, const CodecContext& ctx);
void encode(Writer& w, const AppAttachAns& a);

// The RFC's spelling ("DTLS-UDP-SR"), or nullptr for an unassigned value.
const char* overlay_link_name(OverlayLinkType t) noexcept;
// ICE's cand-type production: "host", "srflx" or "relay".
const char* cand_type_name(CandType t) noexcept;
// False only for the link types whose description says No-ICE (section 6.5.1.1: ICE is the
// default, so an unknown type counts as ICE).
bool uses_ice(OverlayLinkType t) noexcept;
// A single AttachReqAns MUST NOT mix ICE and No-ICE candidates (section 6.5.1.1). The codec
// accepts such a body; the Attach handler uses this to refuse it.
bool mixes_ice_and_no_ice(const std::vector<IceCandidate>& candidates) noexcept;

BOOST_DESCRIBE_ENUM(OverlayLinkType, dtls_udp_sr, dtls_udp_sr_no_ice, tls_tcp_fh_no_ice, exp_link)
BOOST_DESCRIBE_ENUM(CandType, host, srflx, relay)
RELOAD_WIRE_DESCRIBE(IceExtension, (name, value))
RELOAD_WIRE_DESCRIBE(IceCandidate, (addr_port, overlay_link, foundation, priority, type,
                                    rel_addr_port, extensions))
RELOAD_WIRE_DESCRIBE(AttachReqAns, (ufrag, password, role, candidates, send_update))
RELOAD_WIRE_DESCRIBE(AppAttachReq, (ufrag, password, application, role, candidates))
RELOAD_WIRE_DESCRIBE(AppAttachAns, (ufrag, password, application, role, candidates))

}  // namespace reload::wire
