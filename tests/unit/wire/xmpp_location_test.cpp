#include "wire/xmpp_location.hpp"

#include <doctest/doctest.h>

#include "hex.hpp"
#include "wire/codec.hpp"
#include "wire/stored_data.hpp"

using namespace reload;
using namespace reload::wire;
using reload::test::concat;
using reload::test::hex;

namespace {
const CodecContext ctx{};

// type 1 | length 20 | address<0..2^16-1> = "juliet@capulet.lit" (18 bytes).
const Buffer address = concat({hex("01 0014 0012"), to_buffer(as_bytes("juliet@capulet.lit"))});
// type 2 | length 21 | priority 5 | destination_list<0..2^16-1> = one node (18 bytes).
const Buffer route = hex("02 0015 05 0012 01 10 00112233445566778899aabbccddeeff");

void check_every_truncation_fails(const Buffer& full) {
  for (std::size_t n = 0; n < full.size(); ++n)
    CHECK_FALSE(decode_exact<XmppLocation>(Bytes(full.data(), n), ctx).has_value());
}
}  // namespace

TEST_CASE("an xmpp_location_address, field by field") {
  auto loc = decode_exact<XmppLocation>(address, ctx).value();
  CHECK(type_of(loc) == XmppLocationType::xmpp_location_address);
  CHECK(as_string_view(std::get<XmppLocationAddress>(loc.data).address) == "juliet@capulet.lit");
  CHECK(encode_to_buffer(loc).value() == address);
}

TEST_CASE("an xmpp_location_route, field by field") {
  auto loc = decode_exact<XmppLocation>(route, ctx).value();
  CHECK(type_of(loc) == XmppLocationType::xmpp_location_route);
  const auto& r = std::get<XmppLocationRoute>(loc.data);
  CHECK(r.priority == 5);
  REQUIRE(r.destination_list.size() == 1);
  CHECK(std::get<NodeId>(r.destination_list[0]).hex() == "00112233445566778899aabbccddeeff");
  CHECK(encode_to_buffer(loc).value() == route);
}

TEST_CASE("a route through a node to a peer, and an empty route") {
  auto bytes = hex(
      "02 0027 00 0024"
      "01 10 00112233445566778899aabbccddeeff"
      "01 10 ffeeddccbbaa99887766554433221100");
  auto loc = decode_exact<XmppLocation>(bytes, ctx).value();
  CHECK(std::get<XmppLocationRoute>(loc.data).destination_list.size() == 2);
  CHECK(encode_to_buffer(loc).value() == bytes);

  auto empty = hex("02 0003 07 0000");
  auto e = decode_exact<XmppLocation>(empty, ctx).value();
  CHECK(std::get<XmppLocationRoute>(e.data).destination_list.empty());
  CHECK(encode_to_buffer(e).value() == empty);
}

TEST_CASE("unknown types are kept with their data and re-encode identically") {
  for (const char* h : {"07 0003 abcdef", "00 0000", "ff 0001 01"}) {
    auto bytes = hex(h);
    auto loc = decode_exact<XmppLocation>(bytes, ctx).value();
    const auto& u = std::get<UnknownXmppLocation>(loc.data);
    CHECK(u.type == bytes[0]);
    CHECK(static_cast<std::uint8_t>(type_of(loc)) == bytes[0]);
    CHECK(encode_to_buffer(loc).value() == bytes);
  }
  // An "unknown" record claiming a known type would not decode back as itself.
  auto bad = encode_to_buffer(XmppLocation{UnknownXmppLocation{1, {}}});
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error() == codec_errc::invalid_value);
}

TEST_CASE("the value of an XMPP-LOCATION dictionary entry keyed by the storer's Node-ID") {
  const auto table = DataModelTable::with_standard_kinds();
  const CodecContext xmpp_ctx{16, 5000, &table};
  REQUIRE(xmpp_ctx.model_of(kinds::xmpp_location) == DataModel::dictionary);
  // length = 12 (times) + 18 (key) + 5 + 24 (DataValue) + 16 (signature) = 75.
  auto stored = concat({hex("0000004b 0000018c2f5a3b00 00015180"),
                        hex("0010 00112233445566778899aabbccddeeff 01 00000018"), route,
                        hex("04 01  01 0006 04 04 a1a2a3a4  0003 010203")});
  auto d = decode_stored_data(stored, *xmpp_ctx.model_of(kinds::xmpp_location), xmpp_ctx).value();
  const auto& entry = std::get<DictionaryEntry>(d.value);
  CHECK(to_hex(entry.key) == "00112233445566778899aabbccddeeff");
  auto loc = decode_exact<XmppLocation>(entry.value.value, xmpp_ctx).value();
  CHECK(std::get<NodeId>(std::get<XmppLocationRoute>(loc.data).destination_list[0]).hex() ==
        to_hex(entry.key));
}

TEST_CASE("xmpp location rejections") {
  DecodeError err;
  SUBCASE("every truncation") {
    check_every_truncation_fails(address);
    check_every_truncation_fails(route);
    check_every_truncation_fails(hex("07 0003 abcdef"));
  }
  SUBCASE("length larger than the input") {
    auto bytes = address;
    bytes[2] = 0x15;
    CHECK_FALSE(decode_exact<XmppLocation>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 1);
  }
  SUBCASE("length larger than the address, with a byte to cover") {
    auto bytes = concat({address, hex("00")});
    bytes[2] = 0x15;
    CHECK_FALSE(decode_exact<XmppLocation>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == 23);
    CHECK(std::string_view(err.field) == "XmppLocation.length");
  }
  SUBCASE("length smaller than the address") {
    auto bytes = address;
    bytes[2] = 0x13;
    CHECK_FALSE(decode_exact<XmppLocation>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 3);  // the address's own length, which no longer fits
  }
  SUBCASE("length larger than the route") {
    auto bytes = concat({route, hex("00")});
    bytes[2] = 0x16;
    CHECK_FALSE(decode_exact<XmppLocation>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::trailing_bytes);
  }
  SUBCASE("a destination list longer than the route") {
    auto bytes = route;
    bytes[5] = 0x13;
    CHECK_FALSE(decode_exact<XmppLocation>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::truncated);
    CHECK(err.offset == 4);
  }
  SUBCASE("a Resource-ID that is not the last destination") {
    auto bytes = hex(
        "02 0028 00 0025"
        "02 11 10 00112233445566778899aabbccddeeff"
        "01 10 ffeeddccbbaa99887766554433221100");
    CHECK_FALSE(decode_exact<XmppLocation>(bytes, ctx, &err).has_value());
    CHECK(err.ec == codec_errc::resource_not_last);
  }
  SUBCASE("trailing bytes after the record") {
    CHECK_FALSE(decode_exact<XmppLocation>(concat({route, hex("00")}), ctx, &err).has_value());
    CHECK(err.ec == codec_errc::trailing_bytes);
    CHECK(err.offset == route.size());
  }
}
