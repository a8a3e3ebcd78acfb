#include "wire/attach.hpp"

#include <doctest/doctest.h>

#include "hex.hpp"
#include "wire/codec.hpp"

using namespace reload;
using namespace reload::wire;
using reload::test::concat;
using reload::test::hex;

namespace {
const CodecContext ctx{};

template <class T>
void check_every_truncation_fails(const Buffer& full) {
  for (std::size_t n = 0; n < full.size(); ++n) {
    CAPTURE(n);
    DecodeError err;
    CHECK_FALSE(decode_exact<T>(Bytes(full.data(), n), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
  }
}

// host 192.0.2.1:6084, DTLS-UDP-SR, foundation "1", no extensions: 18 bytes.
Buffer host_candidate() {
  return hex("01 06 c0000201 17c4  01  01 31  7e0000ff  01  0000");
}
// srflx 203.0.113.5:12345 related to 192.0.2.1:6084, one extension {"a", "bc"}: 33 bytes.
Buffer srflx_candidate() {
  return hex("01 06 cb007105 3039  01  01 32  640000ff  02  01 06 c0000201 17c4"
             "0007 0001 61 0002 6263");
}
// relay [2001:db8::2]:8080 related to 198.51.100.1:3389: 38 bytes.
Buffer relay_candidate() {
  return hex("02 12 20010db8000000000000000000000002 1f90  01  01 33  00000001  04"
             "01 06 c6336401 0d3d  0000");
}

// ufrag "abcd", password "pw", role "passive", three candidates (0x59 bytes), send_update.
// Offsets: candidates length at 16, first candidate at 18 (its type at 33), the second's
// extension name length at 62, send_update at 107.
Buffer attach_bytes() {
  return concat({hex("04 61626364  02 7077  07 70617373697665  0059"), host_candidate(),
                 srflx_candidate(), relay_candidate(), hex("01")});
}

Buffer app_attach_bytes() {
  return concat(
      {hex("04 61626364  02 7077  1466  06 616374697665  0012"), host_candidate()});
}

std::string text(Bytes b) { return std::string(as_string_view(b)); }
}  // namespace

TEST_CASE("an AttachReqAns with host, srflx and relay candidates, field by field") {
  auto bytes = attach_bytes();
  REQUIRE(bytes.size() == 108);
  DecodeError err;
  auto a = decode_exact<AttachReqAns>(bytes, ctx, &err);
  REQUIRE_MESSAGE(a.has_value(), err.message());
  CHECK(text(a->ufrag) == "abcd");
  CHECK(text(a->password) == "pw");
  CHECK(text(a->role) == role_passive);
  CHECK(a->send_update);
  REQUIRE(a->candidates.size() == 3);

  const auto& host = a->candidates[0];
  CHECK(to_string(host.addr_port) == "192.0.2.1:6084");
  CHECK(host.overlay_link == OverlayLinkType::dtls_udp_sr);
  CHECK(text(host.foundation) == "1");
  CHECK(host.priority == 0x7e0000ff);
  CHECK(host.type == CandType::host);
  CHECK_FALSE(host.rel_addr_port.has_value());
  CHECK(host.extensions.empty());

  const auto& srflx = a->candidates[1];
  CHECK(to_string(srflx.addr_port) == "203.0.113.5:12345");
  CHECK(srflx.type == CandType::srflx);
  REQUIRE(srflx.rel_addr_port.has_value());
  CHECK(to_string(*srflx.rel_addr_port) == "192.0.2.1:6084");
  REQUIRE(srflx.extensions.size() == 1);
  CHECK(text(srflx.extensions[0].name) == "a");
  CHECK(text(srflx.extensions[0].value) == "bc");

  const auto& relay = a->candidates[2];
  CHECK(to_string(relay.addr_port) == "[2001:db8::2]:8080");
  CHECK(relay.type == CandType::relay);
  CHECK(relay.priority == 1);
  REQUIRE(relay.rel_addr_port.has_value());
  CHECK(to_string(*relay.rel_addr_port) == "198.51.100.1:3389");

  CHECK_FALSE(mixes_ice_and_no_ice(a->candidates));
  CHECK(encode_to_buffer(*a).value() == bytes);
}

TEST_CASE("an AttachReqAns built from fields encodes to the RFC layout and decodes back") {
  Buffer ufrag = hex("61626364"), password = hex("7077"), foundation = hex("31");
  AttachReqAns a;
  a.ufrag = ufrag;
  a.password = password;
  a.role = as_bytes(role_passive);
  IceCandidate c;
  c.addr_port = ip_address_port_from_string("192.0.2.1:6084").value();
  c.overlay_link = OverlayLinkType::dtls_udp_sr;
  c.foundation = foundation;
  c.priority = 0x7e0000ff;
  c.type = CandType::host;
  a.candidates.push_back(c);
  a.send_update = false;

  auto bytes = encode_to_buffer(a).value();
  CHECK(bytes == concat({hex("04 61626364  02 7077  07 70617373697665  0012"), host_candidate(),
                         hex("00")}));
  auto back = decode_exact<AttachReqAns>(bytes, ctx).value();
  CHECK(equal_bytes(back.ufrag, a.ufrag));
  CHECK(equal_bytes(back.password, a.password));
  CHECK(equal_bytes(back.role, a.role));
  CHECK_FALSE(back.send_update);
  REQUIRE(back.candidates.size() == 1);
  CHECK(back.candidates[0].addr_port == c.addr_port);
  CHECK(back.candidates[0].priority == c.priority);
  CHECK(equal_bytes(back.candidates[0].foundation, c.foundation));
}

TEST_CASE("an empty AttachReqAns") {
  auto bytes = hex("00 00 00 0000 00");
  auto a = decode_exact<AttachReqAns>(bytes, ctx).value();
  CHECK(a.ufrag.empty());
  CHECK(a.candidates.empty());
  CHECK(encode_to_buffer(a).value() == bytes);
}

TEST_CASE("AppAttach: application before role, no send_update") {
  auto bytes = app_attach_bytes();
  REQUIRE(bytes.size() == 37);
  auto req = decode_exact<AppAttachReq>(bytes, ctx).value();
  CHECK(text(req.ufrag) == "abcd");
  CHECK(text(req.password) == "pw");
  CHECK(req.application == 5222);
  CHECK(text(req.role) == role_active);
  REQUIRE(req.candidates.size() == 1);
  CHECK(req.candidates[0].type == CandType::host);
  CHECK(encode_to_buffer(req).value() == bytes);

  auto ans = decode_exact<AppAttachAns>(bytes, ctx).value();
  CHECK(ans.application == 5222);
  CHECK(text(ans.role) == "active");
  CHECK(encode_to_buffer(ans).value() == bytes);

  DecodeError err;
  SUBCASE("a send_update byte after the candidates is trailing") {
    auto longer = concat({bytes, hex("00")});
    CHECK_FALSE(decode_exact<AppAttachReq>(longer, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == 37);
  }
  SUBCASE("every truncation") {
    check_every_truncation_fails<AppAttachReq>(bytes);
    check_every_truncation_fails<AppAttachAns>(bytes);
  }
}

TEST_CASE("unknown overlay link types and address types are kept") {
  auto bytes = attach_bytes();
  bytes[26] = 9;  // first candidate's overlay_link
  auto a = decode_exact<AttachReqAns>(bytes, ctx).value();
  CHECK(static_cast<int>(a.candidates[0].overlay_link) == 9);
  CHECK(overlay_link_name(a.candidates[0].overlay_link) == nullptr);
  CHECK(encode_to_buffer(a).value() == bytes);

  auto odd = hex("07 02 beef  03  00  00000000  01  0000");
  auto c = decode_exact<IceCandidate>(odd, ctx).value();
  CHECK(std::get<UnknownAddress>(c.addr_port).type == 7);
  CHECK(c.overlay_link == OverlayLinkType::dtls_udp_sr_no_ice);
  CHECK(c.foundation.empty());
  CHECK(encode_to_buffer(c).value() == odd);
}

TEST_CASE("ICE and No-ICE candidates: the codec accepts a mix, the helper spots it") {
  CHECK(std::string(overlay_link_name(OverlayLinkType::tls_tcp_fh_no_ice)) == "TLS-TCP-FH-NO-ICE");
  CHECK(uses_ice(OverlayLinkType::dtls_udp_sr));
  CHECK(uses_ice(OverlayLinkType::exp_link));
  CHECK_FALSE(uses_ice(OverlayLinkType::dtls_udp_sr_no_ice));
  CHECK_FALSE(uses_ice(OverlayLinkType::tls_tcp_fh_no_ice));

  auto bytes = attach_bytes();
  bytes[26] = 4;  // first candidate becomes TLS-TCP-FH-NO-ICE
  auto a = decode_exact<AttachReqAns>(bytes, ctx);
  REQUIRE(a.has_value());
  CHECK(mixes_ice_and_no_ice(a->candidates));

  std::vector<IceCandidate> none;
  CHECK_FALSE(mixes_ice_and_no_ice(none));
  IceCandidate no_ice;
  no_ice.overlay_link = OverlayLinkType::tls_tcp_fh_no_ice;
  IceCandidate no_ice_udp;
  no_ice_udp.overlay_link = OverlayLinkType::dtls_udp_sr_no_ice;
  CHECK_FALSE(mixes_ice_and_no_ice({no_ice, no_ice_udp}));
  IceCandidate ice;
  CHECK(mixes_ice_and_no_ice({no_ice, ice}));
}

TEST_CASE("AttachReqAns rejections") {
  auto bytes = attach_bytes();
  DecodeError err;
  auto fails_with = [&](codec_errc e, std::size_t offset) {
    CHECK_FALSE(decode_exact<AttachReqAns>(bytes, ctx, &err).has_value());
    CHECK(err.ec == e);
    CHECK(err.offset == offset);
  };
  SUBCASE("every truncation") { check_every_truncation_fails<AttachReqAns>(bytes); }
  SUBCASE("send_update 2") {
    bytes[107] = 2;
    fails_with(codec_errc::invalid_value, 107);
  }
  SUBCASE("CandType 0") {
    bytes[33] = 0;
    fails_with(codec_errc::invalid_value, 33);
  }
  SUBCASE("CandType 3 (reserved) cannot be skipped") {
    bytes[33] = 3;
    fails_with(codec_errc::unknown_type, 33);
  }
  SUBCASE("CandType 5 cannot be skipped") {
    bytes[33] = 5;
    fails_with(codec_errc::unknown_type, 33);
  }
  SUBCASE("OverlayLinkType 0") {
    bytes[26] = 0;
    fails_with(codec_errc::invalid_value, 26);
  }
  SUBCASE("candidates length counts elements instead of bytes") {
    bytes[17] = 3;
    fails_with(codec_errc::truncated, 19);  // the first address's length overflows the list
  }
  SUBCASE("candidates length past the end") {
    bytes[17] = 0x5b;
    fails_with(codec_errc::truncated, 16);
  }
  SUBCASE("an extension name overflows the extensions vector") {
    bytes[63] = 0x20;
    fails_with(codec_errc::truncated, 62);
  }
  SUBCASE("a host candidate followed by a related address") {
    bytes = concat({hex("00 00 00 001a"), hex("01 06 c0000201 17c4  01  01 31  7e0000ff  01"),
                    hex("01 06 c0000201 17c4  0000  00")});
    fails_with(codec_errc::truncated, 21);  // "01 06" read as the extensions length
  }
  SUBCASE("a srflx candidate without its related address") {
    bytes = concat({hex("00 00 00 0012"), hex("01 06 c0000201 17c4  01  01 31  7e0000ff  02"),
                    hex("0000  00")});
    fails_with(codec_errc::invalid_value, 21);  // "00 00" read as an address of type 0
  }
  SUBCASE("trailing bytes") {
    bytes.push_back(0);
    fails_with(codec_errc::trailing_bytes, 108);
  }
}

TEST_CASE("the candidate encoder refuses what it cannot put on the wire faithfully") {
  IceCandidate c;
  c.addr_port = Ipv4AddrPort{{192, 0, 2, 1}, 6084};
  CHECK(encode_to_buffer(c).has_value());
  SUBCASE("srflx without a related address") {
    c.type = CandType::srflx;
    CHECK(encode_to_buffer(c).error() == codec_errc::invalid_value);
  }
  SUBCASE("host with a related address") {
    c.rel_addr_port = c.addr_port;
    CHECK(encode_to_buffer(c).error() == codec_errc::invalid_value);
  }
  SUBCASE("an unknown CandType") {
    c.type = static_cast<CandType>(3);
    CHECK(encode_to_buffer(c).error() == codec_errc::invalid_value);
  }
  SUBCASE("OverlayLinkType 0") {
    c.overlay_link = static_cast<OverlayLinkType>(0);
    CHECK(encode_to_buffer(c).error() == codec_errc::invalid_value);
  }
  SUBCASE("a foundation over 255 bytes") {
    Buffer foundation(256, 'f');
    c.foundation = foundation;
    CHECK(encode_to_buffer(c).error() == codec_errc::value_too_long);
  }
}
