#include "wire/topology.hpp"

#include <string>

#include <doctest/doctest.h>

#include "hex.hpp"
#include "wire/codec.hpp"

using namespace reload;
using namespace reload::wire;
using reload::test::concat;
using reload::test::hex;

namespace {
const CodecContext ctx{};

const std::string A = "00112233445566778899aabbccddeeff";
const std::string B = "0123456789abcdef0123456789abcdef";
const std::string C = "fedcba9876543210fedcba9876543210";

NodeId id(const std::string& h) { return NodeId::from_hex(h).value(); }

template <class T>
void check_every_truncation_fails(const Buffer& full, const CodecContext& c = ctx) {
  for (std::size_t n = 0; n < full.size(); ++n) {
    CAPTURE(n);
    DecodeError err;
    CHECK_FALSE(decode_exact<T>(Bytes(full.data(), n), c, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
  }
}

template <class T>
DecodeError decode_failure(const Buffer& bytes, const CodecContext& c = ctx) {
  DecodeError err;
  CHECK_FALSE(decode_exact<T>(bytes, c, &err).has_value());
  return err;
}

std::vector<std::string> hexes(const std::vector<NodeId>& ids) {
  std::vector<std::string> out;
  for (const auto& i : ids) out.push_back(i.hex());
  return out;
}
using Hexes = std::vector<std::string>;
}  // namespace

TEST_CASE("JoinReq: a bare Node-ID, then overlay-specific data") {
  auto bytes = hex(A + "0000");
  auto j = decode_exact<JoinReq>(bytes, ctx).value();
  CHECK(j.joining_peer_id.hex() == A);
  CHECK(j.overlay_specific_data.empty());
  CHECK(encode_to_buffer(j).value() == bytes);

  auto with_data = hex(A + "0002 abcd");
  j = decode_exact<JoinReq>(with_data, ctx).value();
  CHECK(equal_bytes(j.overlay_specific_data, hex("abcd")));
  CHECK(encode_to_buffer(j).value() == with_data);

  JoinReq built{id(B), {}};
  auto back = decode_exact<JoinReq>(encode_to_buffer(built).value(), ctx).value();
  CHECK(back.joining_peer_id == id(B));

  DecodeError err;
  SUBCASE("every truncation") { check_every_truncation_fails<JoinReq>(with_data); }
  SUBCASE("data length past the end") {
    err = decode_failure<JoinReq>(hex(A + "0003 abcd"));
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 16);
  }
  SUBCASE("trailing bytes") {
    err = decode_failure<JoinReq>(hex(A + "0000 00"));
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == 18);
  }
  SUBCASE("20-byte Node-IDs") {
    CodecContext c20;
    c20.node_id_length = 20;
    auto b20 = hex(A + "00112233 0000");
    auto j20 = decode_exact<JoinReq>(b20, c20).value();
    CHECK(j20.joining_peer_id.size() == 20);
    CHECK(encode_to_buffer(j20).value() == b20);
    // The same bytes with 16-byte Node-IDs leave four bytes over.
    CHECK_FALSE(decode_exact<JoinReq>(b20, ctx).has_value());
  }
  SUBCASE("the encoder refuses an empty Node-ID") {
    CHECK(encode_to_buffer(JoinReq{}).error() == codec_errc::invalid_value);
  }
}

TEST_CASE("JoinAns") {
  auto bytes = hex("0002 abcd");
  auto j = decode_exact<JoinAns>(bytes, ctx).value();
  CHECK(equal_bytes(j.overlay_specific_data, hex("abcd")));
  CHECK(encode_to_buffer(j).value() == bytes);
  CHECK(encode_to_buffer(JoinAns{}).value() == hex("0000"));
  check_every_truncation_fails<JoinAns>(bytes);
  auto err = decode_failure<JoinAns>(hex("0000 00"));
  CHECK(err.ec == codec_errc::trailing_bytes);
  CHECK(err.offset == 2);
}

TEST_CASE("LeaveReq carries ChordLeaveData in its overlay_specific_data") {
  // ChordLeaveData: from_succ(1), successors<0..2^16-1> = 32 bytes (two Node-IDs): 35 bytes.
  auto bytes = hex(A + "0023" + "01 0020" + B + C);
  auto l = decode_exact<LeaveReq>(bytes, ctx).value();
  CHECK(l.leaving_peer_id.hex() == A);
  auto d = decode_exact<ChordLeaveData>(l.overlay_specific_data, ctx).value();
  CHECK(d.type == ChordLeaveType::from_succ);
  CHECK(hexes(d.successors) == Hexes{B, C});
  CHECK(d.predecessors.empty());
  CHECK(encode_to_buffer(l).value() == bytes);

  ChordLeaveData built;
  built.type = ChordLeaveType::from_succ;
  built.successors = {id(B), id(C)};
  auto data = encode_to_buffer(built).value();
  CHECK(encode_to_buffer(LeaveReq{id(A), data}).value() == bytes);

  check_every_truncation_fails<LeaveReq>(bytes);
  CHECK(encode_to_buffer(LeaveReq{}).error() == codec_errc::invalid_value);
}

TEST_CASE("ChordLeaveData from a predecessor") {
  auto bytes = hex("02 0010" + A);
  auto d = decode_exact<ChordLeaveData>(bytes, ctx).value();
  CHECK(d.type == ChordLeaveType::from_pred);
  CHECK(hexes(d.predecessors) == Hexes{A});
  CHECK(d.successors.empty());
  CHECK(encode_to_buffer(d).value() == bytes);
  CHECK(encode_to_buffer(ChordLeaveData{ChordLeaveType::from_pred, {}, {}}).value() ==
        hex("02 0000"));

  DecodeError err;
  SUBCASE("every truncation") { check_every_truncation_fails<ChordLeaveData>(bytes); }
  SUBCASE("type 0") {
    err = decode_failure<ChordLeaveData>(hex("00 0000"));
    CHECK(err.ec == codec_errc::invalid_value);
    CHECK(err.offset == 0);
  }
  SUBCASE("an unknown type cannot be skipped") {
    err = decode_failure<ChordLeaveData>(hex("03 0000"));
    CHECK(err.ec == codec_errc::unknown_type);
    CHECK(err.offset == 0);
  }
  SUBCASE("a list that is not a whole number of Node-IDs") {
    err = decode_failure<ChordLeaveData>(hex("02 0011" + A + "ff"));
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 19);
  }
  SUBCASE("trailing bytes") {
    err = decode_failure<ChordLeaveData>(hex("02 0010" + A + "00"));
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == 19);
  }
  SUBCASE("the encoder refuses the list the type has no place for") {
    ChordLeaveData wrong{ChordLeaveType::from_succ, {}, {id(A)}};
    CHECK(encode_to_buffer(wrong).error() == codec_errc::invalid_value);
    wrong = ChordLeaveData{ChordLeaveType::from_pred, {id(A)}, {}};
    CHECK(encode_to_buffer(wrong).error() == codec_errc::invalid_value);
    wrong = ChordLeaveData{static_cast<ChordLeaveType>(3), {}, {}};
    CHECK(encode_to_buffer(wrong).error() == codec_errc::invalid_value);
  }
}

TEST_CASE("LeaveAns and UpdateAns are empty") {
  CHECK(decode_exact<LeaveAns>(Bytes{}, ctx).has_value());
  CHECK(decode_exact<UpdateAns>(Bytes{}, ctx).has_value());
  CHECK(encode_to_buffer(LeaveAns{}).value().empty());
  CHECK(encode_to_buffer(UpdateAns{}).value().empty());
  auto err = decode_failure<LeaveAns>(hex("00"));
  CHECK(err.ec == codec_errc::trailing_bytes);
  CHECK(err.offset == 0);
  err = decode_failure<UpdateAns>(hex("00"));
  CHECK(err.ec == codec_errc::trailing_bytes);
  CHECK(err.offset == 0);
}

TEST_CASE("RouteQueryReq: send_update, a destination, overlay data") {
  auto bytes = hex("01  01 10" + A + "0000");
  auto q = decode_exact<RouteQueryReq>(bytes, ctx).value();
  CHECK(q.send_update);
  CHECK(std::get<NodeId>(q.destination).hex() == A);
  CHECK(q.overlay_specific_data.empty());
  CHECK(encode_to_buffer(q).value() == bytes);

  auto to_resource = hex("00  02 11 10" + B + "0001 ee");
  q = decode_exact<RouteQueryReq>(to_resource, ctx).value();
  CHECK_FALSE(q.send_update);
  CHECK(std::get<ResourceId>(q.destination).hex() == B);
  CHECK(equal_bytes(q.overlay_specific_data, hex("ee")));
  CHECK(encode_to_buffer(q).value() == to_resource);

  RouteQueryReq built;
  built.destination = id(C);
  auto back = decode_exact<RouteQueryReq>(encode_to_buffer(built).value(), ctx).value();
  CHECK_FALSE(back.send_update);
  CHECK(std::get<NodeId>(back.destination) == id(C));

  DecodeError err;
  SUBCASE("every truncation") {
    check_every_truncation_fails<RouteQueryReq>(bytes);
    check_every_truncation_fails<RouteQueryReq>(to_resource);
  }
  SUBCASE("send_update 2") {
    err = decode_failure<RouteQueryReq>(hex("02  01 10" + A + "0000"));
    CHECK(err.ec == codec_errc::invalid_value);
    CHECK(err.offset == 0);
  }
  SUBCASE("destination type 0") {
    err = decode_failure<RouteQueryReq>(hex("00  00 00  0000"));
    CHECK(err.ec == codec_errc::invalid_value);
  }
  SUBCASE("a destination length that overflows the body") {
    err = decode_failure<RouteQueryReq>(hex("00  01 20" + A));
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 2);
  }
  SUBCASE("trailing bytes") {
    err = decode_failure<RouteQueryReq>(hex("01  01 10" + A + "0000 00"));
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == 21);
  }
}

TEST_CASE("ChordRouteQueryAns is one Node-ID") {
  auto bytes = hex(C);
  auto a = decode_exact<ChordRouteQueryAns>(bytes, ctx).value();
  CHECK(a.next_peer.hex() == C);
  CHECK(encode_to_buffer(a).value() == bytes);
  check_every_truncation_fails<ChordRouteQueryAns>(bytes);
  auto err = decode_failure<ChordRouteQueryAns>(hex(C + "00"));
  CHECK(err.ec == codec_errc::trailing_bytes);
  CHECK(err.offset == 16);
  CHECK(encode_to_buffer(ChordRouteQueryAns{}).error() == codec_errc::invalid_value);

  CodecContext c20;
  c20.node_id_length = 20;
  auto a20 = decode_exact<ChordRouteQueryAns>(hex(C + "01020304"), c20).value();
  CHECK(a20.next_peer.size() == 20);
}

TEST_CASE("ChordUpdate: uptime then type; peer_ready has no further body") {
  auto bytes = hex("00000e10 01");
  auto u = decode_exact<ChordUpdate>(bytes, ctx).value();
  CHECK(u.uptime == 3600);
  CHECK(u.type == ChordUpdateType::peer_ready);
  CHECK(u.predecessors.empty());
  CHECK(u.successors.empty());
  CHECK(u.fingers.empty());
  CHECK(encode_to_buffer(u).value() == bytes);
  check_every_truncation_fails<ChordUpdate>(bytes);
  auto err = decode_failure<ChordUpdate>(hex("00000e10 01 0000"));
  CHECK(err.ec == codec_errc::trailing_bytes);
  CHECK(err.offset == 5);
}

TEST_CASE("ChordUpdate neighbors and full, byte-counted Node-ID lists") {
  auto neighbors = hex("00000e10 02  0010" + A + "0020" + B + C);
  auto u = decode_exact<ChordUpdate>(neighbors, ctx).value();
  CHECK(u.type == ChordUpdateType::neighbors);
  CHECK(hexes(u.predecessors) == Hexes{A});
  CHECK(hexes(u.successors) == Hexes{B, C});
  CHECK(u.fingers.empty());
  CHECK(encode_to_buffer(u).value() == neighbors);

  auto full = hex("0000002a 03  0010" + A + "0010" + B + "0020" + B + C);
  u = decode_exact<ChordUpdate>(full, ctx).value();
  CHECK(u.uptime == 42);
  CHECK(u.type == ChordUpdateType::full);
  CHECK(hexes(u.predecessors) == Hexes{A});
  CHECK(hexes(u.successors) == Hexes{B});
  CHECK(hexes(u.fingers) == Hexes{B, C});
  CHECK(encode_to_buffer(u).value() == full);

  ChordUpdate built;
  built.uptime = 3600;
  built.type = ChordUpdateType::neighbors;
  built.predecessors = {id(A)};
  built.successors = {id(B), id(C)};
  CHECK(encode_to_buffer(built).value() == neighbors);

  auto empty_full = hex("00000000 03 0000 0000 0000");
  u = decode_exact<ChordUpdate>(empty_full, ctx).value();
  CHECK(u.type == ChordUpdateType::full);
  CHECK(encode_to_buffer(u).value() == empty_full);

  SUBCASE("every truncation") {
    check_every_truncation_fails<ChordUpdate>(neighbors);
    check_every_truncation_fails<ChordUpdate>(full);
  }
  SUBCASE("20-byte Node-IDs") {
    CodecContext c20;
    c20.node_id_length = 20;
    auto b20 = hex("00000001 02 0014" + A + "aabbccdd 0028" + B + "00000000" + C + "11111111");
    auto u20 = decode_exact<ChordUpdate>(b20, c20).value();
    REQUIRE(u20.successors.size() == 2);
    CHECK(u20.successors[1].hex() == C + "11111111");
    CHECK(encode_to_buffer(u20).value() == b20);
    // With 16-byte Node-IDs the 20-byte list is not a whole number of them.
    auto err = decode_failure<ChordUpdate>(b20);
    CHECK(err.ec == codec_errc::truncated);
  }
}

TEST_CASE("ChordUpdate rejections") {
  DecodeError err;
  SUBCASE("type 0") {
    err = decode_failure<ChordUpdate>(hex("00000001 00"));
    CHECK(err.ec == codec_errc::invalid_value);
    CHECK(err.offset == 4);
  }
  SUBCASE("an unknown type cannot be skipped") {
    err = decode_failure<ChordUpdate>(hex("00000001 04 0000 0000"));
    CHECK(err.ec == codec_errc::unknown_type);
    CHECK(err.offset == 4);
  }
  SUBCASE("neighbors without successors") {
    err = decode_failure<ChordUpdate>(hex("00000001 02 0010" + A));
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 23);
  }
  SUBCASE("a list that is not a whole number of Node-IDs") {
    err = decode_failure<ChordUpdate>(hex("00000001 02 0011" + A + "ff 0000"));
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 23);
  }
  SUBCASE("a list length that counts Node-IDs instead of bytes") {
    err = decode_failure<ChordUpdate>(hex("00000001 02 0001" + A + "0000"));
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 7);
  }
  SUBCASE("a list length that overflows the body") {
    err = decode_failure<ChordUpdate>(hex("00000001 02 0020" + A));
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 5);
  }
  SUBCASE("neighbors with a fingers list") {
    err = decode_failure<ChordUpdate>(hex("00000001 02 0000 0000 0010" + A));
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == 9);
  }
}

TEST_CASE("the ChordUpdate encoder refuses what the type cannot carry") {
  ChordUpdate u;
  SUBCASE("peer_ready with successors") {
    u.successors = {id(A)};
    CHECK(encode_to_buffer(u).error() == codec_errc::invalid_value);
  }
  SUBCASE("peer_ready with predecessors") {
    u.predecessors = {id(A)};
    CHECK(encode_to_buffer(u).error() == codec_errc::invalid_value);
  }
  SUBCASE("neighbors with fingers") {
    u.type = ChordUpdateType::neighbors;
    u.fingers = {id(A)};
    CHECK(encode_to_buffer(u).error() == codec_errc::invalid_value);
  }
  SUBCASE("type 0") {
    u.type = static_cast<ChordUpdateType>(0);
    CHECK(encode_to_buffer(u).error() == codec_errc::invalid_value);
  }
  SUBCASE("an empty Node-ID in a list") {
    u.type = ChordUpdateType::full;
    u.fingers = {id(A), NodeId{}};
    CHECK(encode_to_buffer(u).error() == codec_errc::invalid_value);
  }
  SUBCASE("a list over 2^16-1 bytes") {
    u.type = ChordUpdateType::full;
    u.fingers.assign(4096, id(A));
    CHECK(encode_to_buffer(u).error() == codec_errc::value_too_long);
  }
}
