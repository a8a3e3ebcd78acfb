// What a device stores for itself, and what a Fetch of a user's XMPP-LOCATION dictionary says
// (XEP-0415 sections 4 and 5).
#include "usage/location_records.hpp"

#include <doctest/doctest.h>

#include "wire/codec.hpp"
#include "wire/xmpp_location.hpp"

using namespace reload;
using namespace reload::usage;

namespace {

wire::NodeId node(std::uint8_t fill) {
  wire::Buffer id(16, fill);
  return wire::NodeId(id);
}

// A fetched answer's dictionary entries, with the buffers their views point into.
struct Answer {
  std::vector<wire::Buffer> buffers;
  wire::FetchAns ans{{wire::FetchKindResponse{wire::kinds::xmpp_location, 1, {}}}};

  wire::Bytes keep(wire::Buffer b) {
    buffers.reserve(64);  // views stay put
    buffers.push_back(std::move(b));
    return buffers.back();
  }
  void add(const wire::NodeId& key, const wire::XmppLocation& location, bool exists = true) {
    auto bytes = keep(wire::encode_to_buffer(location).value());
    wire::StoredData d;
    d.value = wire::DictionaryEntry{keep(wire::Buffer(key.bytes().begin(), key.bytes().end())), {exists, bytes}};
    ans.kind_responses.front().values.push_back(d);
  }
  void add_raw(const wire::NodeId& key, wire::Buffer value) {
    wire::StoredData d;
    d.value = wire::DictionaryEntry{keep(wire::Buffer(key.bytes().begin(), key.bytes().end())), {true, keep(value)}};
    ans.kind_responses.front().values.push_back(d);
  }
};

wire::XmppLocation route(std::uint8_t priority, wire::DestinationList hops) {
  return {wire::XmppLocationRoute{priority, std::move(hops)}};
}

}  // namespace

TEST_CASE("a device's own entry is an xmpp_location_route to itself, keyed by its Node-ID") {
  wire::Buffer storage;
  const auto entry = own_location_entry(node(7), 3, storage);
  CHECK(std::ranges::equal(entry.key, node(7).bytes()));
  CHECK(entry.value.exists);
  auto decoded = wire::decode_exact<wire::XmppLocation>(entry.value.value, wire::CodecContext{});
  REQUIRE(decoded.has_value());
  const auto* r = std::get_if<wire::XmppLocationRoute>(&decoded->data);
  REQUIRE(r);
  CHECK(r->priority == 3);
  REQUIRE(r->destination_list.size() == 1);
  CHECK(std::get<wire::NodeId>(r->destination_list.front()) == node(7));

  const auto removed = removed_location_entry(node(7), storage);
  CHECK(std::ranges::equal(removed.key, node(7).bytes()));
  CHECK_FALSE(removed.value.exists);
}

TEST_CASE("routes come by ascending priority, each destination list once; forwards in order, once") {
  Answer a;
  a.add(node(1), route(5, {node(1)}));
  a.add(node(2), route(1, {node(2)}));
  a.add(node(3), route(3, {node(9), node(3)}));  // through a relay, ending at the device
  a.add(node(4), {wire::XmppLocationAddress{wire::as_bytes(std::string_view("romeo@montague.lit"))}});
  a.add(node(5), {wire::XmppLocationAddress{wire::as_bytes(std::string_view("romeo@montague.lit"))}});
  const auto got = read_locations(a.ans, wire::kinds::xmpp_location, 16);
  REQUIRE(got.routes.size() == 3);
  CHECK(got.routes[0].device == node(2));
  CHECK(got.routes[1].device == node(3));
  CHECK(got.routes[1].route == std::vector<wire::NodeId>{node(9), node(3)});
  CHECK(got.routes[2].device == node(1));
  CHECK(got.forwards == std::vector<std::string>{"romeo@montague.lit"});
  CHECK(got.unusable == 0);
}

TEST_CASE("entries no device could have stored are unusable, and other Kinds are not read") {
  Answer a;
  a.add(node(1), route(1, {node(2)}));                                  // keyed by another Node-ID
  a.add(node(3), route(1, {}));                                         // an empty route
  a.add(node(4), route(1, {wire::ResourceId(wire::Buffer(16, 4))}));    // not ending in a Node-ID
  a.add(node(5), route(1, {node(5)}), false);                           // removed
  a.add_raw(node(6), {2, 0, 9, 1});                                     // length past the data
  a.add_raw(node(7), {9, 0, 1, 0});                                     // a type the XEP does not define
  a.add(node(8), route(2, {node(8)}));
  a.ans.kind_responses.push_back(wire::FetchKindResponse{4000001, 1, a.ans.kind_responses.front().values});
  const auto got = read_locations(a.ans, wire::kinds::xmpp_location, 16);
  REQUIRE(got.routes.size() == 1);
  CHECK(got.routes[0].device == node(8));
  CHECK(got.unusable == 6);
}
