// XEP-0415's locations on a real overlay (issue 16): OverlayNodes in one process with
// certificates from the real enrollment server (in_process_test.py --xmpp-users), whose
// XMPP-LOCATION records are kept by LocationKeeper and looked up by lookup_user:
//   - juliet's two devices (enrollment users juliet and juliet-phone) and romeo's one publish; a lookup of juliet (in any spelling, with
//     a resource or not) finds her two devices by ascending priority, and nobody@verona.lit
//     has no location;
//   - 8 more peers join one after another, and lookups right after each join still find both
//     (the admitting peer's hand-over, RFC 6940 section 10.5);
//   - mallory forwards to juliet (an xmpp_location_address): a lookup of mallory reaches
//     juliet's devices; tybalt and mercutio forward to each other: the loop is reported;
//   - mallory stores a route at juliet's Resource-ID, and a route at her own keyed by
//     juliet's Node-ID: both Error_Forbidden (USER-NODE-MATCH);
//   - romeo's record, with a 3 s lifetime, is stored again before it lapses and is still
//     found after 5 s; juliet's second device removes its record when it stops and is no
//     longer found.
//
//   xmpp_locations CONFIG_URL CA_FILE PASSWORD WORK_DIR
#include <cstdio>

#include <fmt/format.h>

#include "node/storage_client.hpp"
#include "overlay_harness.hpp"
#include "usage/location_keeper.hpp"
#include "usage/location_lookup.hpp"
#include "wire/codec.hpp"
#include "wire/ring.hpp"
#include "wire/xmpp_location.hpp"

using namespace reload;
using namespace std::chrono_literals;
using boost::system::error_code;

namespace {

xmpp::Jid jid(const char* text) { return xmpp::Jid::parse(text).value(); }

std::shared_ptr<usage::LocationKeeper> keep(test::InProcessOverlay& overlay, std::size_t node, const char* user,
                                            const char* address, usage::LocationOptions options) {
  auto keeper = std::make_shared<usage::LocationKeeper>(overlay.nodes()[node], jid(address), options);
  keeper->start([user](error_code ec) {
    if (ec) std::printf("%s: storing its location failed: %s\n", user, ec.message().c_str());
  });
  return keeper;
}

boost::system::result<usage::LookupResult> look_up(test::InProcessOverlay& overlay, node::OverlayNode& from,
                                                   const char* who) {
  std::optional<boost::system::result<usage::LookupResult>> got;
  usage::lookup_user(from, jid(who), {}, [&](auto r) { got = std::move(r); });
  test::check(overlay.run_until([&] { return got.has_value(); }, 30s), fmt::format("the lookup of {} never ended", who));
  return std::move(*got);
}

error_code store_as(test::InProcessOverlay& overlay, node::OverlayNode& from, const wire::ResourceId& at,
                    const wire::NodeId& key, const wire::XmppLocation& location) {
  const auto value = wire::encode_to_buffer(location).value();
  std::optional<error_code> got;
  node::store(from, at, wire::kinds::xmpp_location, {wire::DictionaryEntry{key.bytes(), {true, value}}}, 60s,
              [&](auto r) { got = r ? error_code{} : r.error(); });
  test::check(overlay.run_until([&] { return got.has_value(); }, 30s), "a Store never ended");
  return *got;
}

std::string ids(const std::vector<usage::RouteLocation>& devices) {
  std::string out;
  for (const auto& d : devices) out += fmt::format("{}{}(priority {})", out.empty() ? "" : ", ", node::short_id(d.device), d.priority);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  auto rig = test::parse_rig_args(argc, argv, "xmpp_locations CONFIG_URL CA_FILE PASSWORD WORK_DIR");
  test::InProcessOverlay overlay(rig);
  overlay.add_ring(6, 30s);
  // Every node first, and the ring settled, before any record is stored (the joins that
  // come after the records are stored are tested below, one lookup after each).
  for (const char* user : {"juliet", "juliet-phone", "romeo", "mallory", "tybalt", "mercutio"}) overlay.add(user, 30s);
  test::check(overlay.run_until([&] { return overlay.ring_mismatch().empty(); }, 30s), "the ring of 12 did not settle");
  auto juliet_a = keep(overlay, 6, "juliet", "juliet@capulet.lit", {600s, 1});
  auto juliet_b = keep(overlay, 7, "juliet-phone", "juliet@capulet.lit", {600s, 2});
  auto romeo = keep(overlay, 8, "romeo", "romeo@montague.lit", {3s, 0});
  auto& mallory = *overlay.nodes()[9];
  auto tybalt = keep(overlay, 10, "tybalt", "tybalt@capulet.lit", {600s, 0});
  auto mercutio = keep(overlay, 11, "mercutio", "mercutio@verona.lit", {600s, 0});
  const auto& nodes = overlay.nodes();
  auto& juliet_a_node = *nodes[6];
  auto& juliet_b_node = *nodes[7];
  auto& romeo_node = *nodes[8];
  test::check(overlay.run_until([&] { return juliet_a->published() && juliet_b->published() && romeo->published(); }, 30s),
              "the devices' locations were not stored within 30 s");

  // Section 5: every entry, by ascending priority; the address prepared before hashing.
  for (const char* spelling : {"juliet@capulet.lit", "Juliet@Capulet.LIT/balcony"}) {
    auto found = look_up(overlay, romeo_node, spelling);
    test::check(found.has_value(), fmt::format("looking up {}: {}", spelling, found ? "" : found.error().message()));
    if (!found) continue;
    test::check(found->devices.size() == 2, fmt::format("{} has {} devices, not 2: {}", spelling, found->devices.size(),
                                                        ids(found->devices)));
    test::check(found->devices.size() == 2 && found->devices[0].device == juliet_a_node.self() &&
                    found->devices[1].device == juliet_b_node.self(),
                "juliet's devices are not hers, or not by ascending priority");
    std::printf("%s: %s\n", spelling, ids(found->devices).c_str());
  }
  // Peers join in front of the record's holder, one after another: the admitting peer hands
  // the record over (section 10.5), so a lookup right after each join still finds both.
  const auto juliet_resource = xmpp::location_resource_id(jid("juliet@capulet.lit"));
  std::size_t took_over = 0;
  for (std::size_t j = 0; j < 8; ++j) {
    const auto holder = overlay.responsible_for(wire::ring::point_of(juliet_resource, 16));
    overlay.add(fmt::format("peer{:02}", 6 + j), 30s);
    took_over += overlay.responsible_for(wire::ring::point_of(juliet_resource, 16)) != holder;
    for (std::size_t from = 0; from < overlay.nodes().size(); from += 3) {
      auto found = look_up(overlay, *overlay.nodes()[from], "juliet@capulet.lit");
      test::check(found && found->devices.size() == 2,
                  fmt::format("right after peer{:02} joined, a lookup from node {}: {}", 6 + j, from,
                              found ? ids(found->devices) : found.error().message()));
    }
  }
  std::printf("8 peers joined one after another, %zu of them in front of juliet's record: every lookup right after "
              "each join found both devices\n", took_over);
  auto nobody = look_up(overlay, romeo_node, "nobody@verona.lit");
  test::check(!nobody && nobody.error() == usage::lookup_errc::no_location,
              fmt::format("nobody@verona.lit: {}", nobody ? "found" : nobody.error().message()));
  std::printf("nobody@verona.lit: %s\n", nobody ? "found" : nobody.error().message().c_str());

  // Forwarding (section 4.1) and a loop.
  const auto forward_to = [](const char* to) {
    return wire::XmppLocation{wire::XmppLocationAddress{wire::as_bytes(std::string_view(to))}};
  };
  test::check(!store_as(overlay, mallory, xmpp::location_resource_id(jid("mallory@evil.lit")), mallory.self(),
                        forward_to("juliet@capulet.lit")),
              "mallory could not store a forward at her own address");
  auto forwarded = look_up(overlay, romeo_node, "mallory@evil.lit");
  test::check(forwarded && forwarded->devices.size() == 2 && forwarded->users.size() == 2,
              fmt::format("mallory@evil.lit, forwarded to juliet: {}",
                          forwarded ? ids(forwarded->devices) : forwarded.error().message()));
  if (forwarded) std::printf("mallory@evil.lit forwards to juliet@capulet.lit: %s\n", ids(forwarded->devices).c_str());
  tybalt->stop([](error_code) {});
  mercutio->stop([](error_code) {});
  overlay.run_until([&] { return !tybalt->published() && !mercutio->published(); }, 30s);
  test::check(!store_as(overlay, *nodes[10], xmpp::location_resource_id(jid("tybalt@capulet.lit")), nodes[10]->self(),
                        forward_to("mercutio@verona.lit")) &&
                  !store_as(overlay, *nodes[11], xmpp::location_resource_id(jid("mercutio@verona.lit")),
                            nodes[11]->self(), forward_to("tybalt@capulet.lit")),
              "tybalt and mercutio could not store their forwards");
  auto loop = look_up(overlay, romeo_node, "tybalt@capulet.lit");
  test::check(!loop && loop.error() == usage::lookup_errc::forwarding_loop,
              fmt::format("tybalt -> mercutio -> tybalt: {}", loop ? "found devices" : loop.error().message()));
  std::printf("tybalt@capulet.lit -> mercutio@verona.lit -> tybalt: %s\n",
              loop ? "found devices" : loop.error().message().c_str());

  // Section 4.4: USER-NODE-MATCH.
  const wire::XmppLocation mallory_route{wire::XmppLocationRoute{0, {mallory.self()}}};
  const auto at_juliet = store_as(overlay, mallory, xmpp::location_resource_id(jid("juliet@capulet.lit")), mallory.self(),
                                  mallory_route);
  test::check(at_juliet == make_error_code(errc::forbidden),
              fmt::format("mallory storing at juliet's Resource-ID: '{}', not Error_Forbidden", at_juliet.message()));
  const wire::XmppLocation juliet_route{wire::XmppLocationRoute{0, {juliet_a_node.self()}}};
  const auto keyed = store_as(overlay, mallory, xmpp::location_resource_id(jid("mallory@evil.lit")),
                              juliet_a_node.self(), juliet_route);
  test::check(keyed == make_error_code(errc::forbidden),
              fmt::format("mallory storing under juliet's Node-ID: '{}', not Error_Forbidden", keyed.message()));
  std::printf("mallory at juliet's Resource-ID: %s; mallory under juliet's Node-ID: %s\n", at_juliet.message().c_str(),
              keyed.message().c_str());

  // Refresh before the lifetime ends; removal on a clean stop.
  const auto stores = romeo->stores();
  overlay.run_for(5000ms);
  auto still = look_up(overlay, juliet_a_node, "romeo@montague.lit");
  test::check(still && still->devices.size() == 1 && romeo->stores() >= stores + 2,
              fmt::format("romeo's 3 s record after 5 s: {}, stored {} times more",
                          still ? ids(still->devices) : still.error().message(), romeo->stores() - stores));
  std::printf("romeo's record (lifetime 3 s) after 5 s: %s, stored again %llu times\n",
              still ? ids(still->devices).c_str() : still.error().message().c_str(),
              static_cast<unsigned long long>(romeo->stores() - stores));
  std::optional<error_code> removed;
  juliet_b->stop([&](error_code ec) { removed = ec; });
  test::check(overlay.run_until([&] { return removed.has_value(); }, 30s) && !*removed, "juliet-phone's removal failed");
  auto after = look_up(overlay, romeo_node, "juliet@capulet.lit");
  test::check(after && after->devices.size() == 1 && after->devices[0].device == juliet_a_node.self(),
              fmt::format("after juliet-phone stopped: {}", after ? ids(after->devices) : after.error().message()));
  std::printf("after juliet-phone removed its record: %s\n", after ? ids(after->devices).c_str() : "none");

  overlay.leave_all();
  std::printf("PASS\n");
  return 0;
}
