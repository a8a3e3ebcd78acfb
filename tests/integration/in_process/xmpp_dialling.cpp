// How a device dials other devices (XEP-0415 section 6.1), in one process on an ICE overlay
// (in_process_test.py --ice --xmpp-users): juliet's balcony (route priority 2) and phone
// (priority 1), romeo, and tybalt with one device.
//   - romeo dials in order (XmppDeviceOptions::dial_in_order): his first message to juliet
//     AppAttaches her phone first (the smaller priority number) and her balcony only once
//     the phone's stream is open; the message reaches both devices once;
//   - back-off: tybalt's device dies (no Leave: its record stays). romeo's message to tybalt
//     waits for an AppAttach that fails (when the request times out, or at once when romeo
//     now holds the dead Node-ID's place in the ring) and is undeliverable; his next one,
//     sent at once, is undeliverable at once (resource_unavailable_try_again) with no
//     AppAttach at all;
//   - reconnection: juliet's phone dies too. Her balcony's stream to it ends at its idle
//     timeout (2 s here), and the balcony, whose regular mesh round is a minute away, dials
//     the phone again a second later (that AppAttach fails when it times out), and waits
//     before the next one (the doubling is dial_backoff's unit test).
//
//   xmpp_dialling CONFIG_URL CA_FILE PASSWORD WORK_DIR
#include <cstdio>
#include <map>

#include <fmt/format.h>

#include "overlay_harness.hpp"
#include "usage/xmpp_device.hpp"
#include "xmpp_messages.hpp"

using namespace reload;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

struct Event {
  wire::NodeId node;
  node::NodeEvent::Type type;
  wire::NodeId peer;
  Clock::time_point at;
};

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  auto rig = test::parse_rig_args(argc, argv, "xmpp_dialling CONFIG_URL CA_FILE PASSWORD WORK_DIR");
  std::vector<Event> events;  // outlives the overlay: its nodes report until they are gone
  test::InProcessOverlay overlay(rig);
  overlay.configure = [&events](node::NodeOptions& o) {
    test::loopback_ice(o);
    o.on_event = [&events, id = o.node_id](const node::NodeEvent& e) { events.push_back({id, e.type, e.peer, Clock::now()}); };
  };
  overlay.add_ring(6, 60s);
  std::map<std::string, std::shared_ptr<node::OverlayNode>> node_of;
  for (const char* user : {"juliet", "juliet-phone", "romeo", "tybalt"}) {
    overlay.add(user, 30s);
    node_of[user] = overlay.nodes().back();
  }
  test::check(overlay.run_until([&] { return overlay.ring_mismatch().empty(); }, 30s), "the ring of 10 did not settle");

  std::map<std::string, std::map<std::string, int>> got;  // device -> body -> times
  std::map<std::string, std::vector<std::pair<Clock::time_point, std::string>>> said;  // device -> log lines
  std::vector<std::tuple<std::string, boost::system::error_code, Clock::time_point>> undeliverable;
  std::vector<std::pair<std::string, Clock::time_point>> romeo_devices;  // connected, in order
  auto device = [&](const char* user, const char* resource, usage::XmppDeviceOptions options) {
    auto st = test::enroll(rig, user);
    const std::string name = fmt::format("{}/{}", user, resource);
    usage::XmppDeviceHandlers handlers;
    handlers.on_stanza = [&got, name](const xmpp::Element& e, const xmpp::StanzaEnvelope*) {
      const auto d = test::read_delivery(e);
      if (!d.body.empty() && !d.error) ++got[name][d.body];
    };
    handlers.on_undeliverable = [&undeliverable](const xmpp::Element& e, boost::system::error_code ec) {
      undeliverable.emplace_back(std::string(e.attribute("to").value_or("")), ec, Clock::now());
      return true;
    };
    handlers.on_device = [&romeo_devices, name](const usage::DeviceChange& c) {
      if (name == "romeo/verona" && c.connected) romeo_devices.emplace_back(c.device.hex(), Clock::now());
    };
    handlers.log = [&overlay, &said, name](const std::string& line) {
      said[name].emplace_back(Clock::now(), line);
      overlay.log(line);
    };
    auto made = usage::XmppDevice::create(node_of[user], st.certificate, resource, options, handlers);
    test::check(made.has_value(), fmt::format("{}: {}", name, made ? "" : made.error().message()));
    (*made)->start();
    test::check(overlay.run_until([&] { return (*made)->location_published(); }, 30s), name + " did not store its location");
    return *made;
  };
  usage::XmppDeviceOptions slow_mesh;
  slow_mesh.mesh_interval = 60s;  // only reconnection can explain a dial within the test
  // A dead device's stream ends after 2 s of silence; live ones send a space every 500 ms.
  slow_mesh.stream.stream.keepalive_interval = 500ms;
  slow_mesh.stream.stream.idle_timeout = 2s;
  auto balcony_options = slow_mesh, phone_options = slow_mesh, romeo_options = slow_mesh;
  balcony_options.location.priority = 2;
  phone_options.location.priority = 1;
  romeo_options.dial_in_order = true;
  auto balcony = device("juliet", "balcony", balcony_options);
  auto phone = device("juliet-phone", "phone", phone_options);  // dials the balcony at start
  auto tybalt = device("tybalt", "verona", slow_mesh);
  auto romeo = device("romeo", "verona", romeo_options);
  const std::string juliet_bare = "juliet@capulet.lit";
  test::check(overlay.run_until([&] { return balcony->connected().contains(juliet_bare); }, 30s),
              "juliet's devices did not link");

  // In order: the phone (priority 1), then the balcony once the phone's stream is open.
  test::check(!romeo->send(test::chat(juliet_bare, "in order")), "romeo could not send");
  test::check(overlay.run_until([&] { return got["juliet/balcony"]["in order"] >= 1 && got["juliet-phone/phone"]["in order"] >= 1 &&
                                             romeo_devices.size() >= 2; },
                                30s),
              "romeo's message did not reach both of juliet's devices");
  const auto phone_id = node_of["juliet-phone"]->self(), balcony_id = node_of["juliet"]->self();
  test::check(romeo_devices[0].first == phone_id.hex() && romeo_devices[1].first == balcony_id.hex(),
              "romeo's streams did not open phone first, balcony second");
  std::optional<Clock::time_point> balcony_attached;
  for (const auto& e : events)
    if (e.node == node_of["romeo"]->self() && e.type == node::NodeEvent::Type::app_attached && e.peer == balcony_id)
      balcony_attached = e.at;
  test::check(balcony_attached && *balcony_attached > romeo_devices[0].second,
              "romeo's AppAttach to the balcony ended before his stream to the phone was open: not one after another");
  std::printf("dialled in order: the phone's stream opened, and the balcony's AppAttach ended %.1f ms later\n",
              seconds(*balcony_attached - romeo_devices[0].second) * 1000);

  // Back-off: tybalt's device dies, its record stays.
  tybalt->abandon();
  for (std::size_t i = 0; i < overlay.nodes().size(); ++i)
    if (overlay.nodes()[i] == node_of["tybalt"]) overlay.crash(i);
  overlay.run_for(500ms);
  const auto t1 = Clock::now();
  test::check(!romeo->send(test::chat("tybalt@capulet.lit", "first")), "romeo could not send to tybalt");
  test::check(overlay.run_until([&] { return undeliverable.size() >= 1; }, 60s), "the message to dead tybalt never failed");
  const auto first_failed = std::get<2>(undeliverable[0]);
  auto attaches_to_tybalt = [&] {
    std::size_t n = 0;
    for (const auto& [at, line] : said["romeo/verona"])
      n += line.find("AppAttach to ") != std::string::npos && line.find(" of tybalt@capulet.lit") != std::string::npos;
    return n;
  };
  test::check(attaches_to_tybalt() == 1, "romeo did not try tybalt's device once");
  test::check(!romeo->send(test::chat("tybalt@capulet.lit", "second")), "romeo could not send to tybalt again");
  test::check(overlay.run_until([&] { return undeliverable.size() >= 2; }, 10s), "the second message waited");
  const auto second = undeliverable[1];
  test::check(std::get<1>(second) == boost::system::errc::resource_unavailable_try_again,
              "the second message failed with " + std::get<1>(second).message());
  test::check(attaches_to_tybalt() == 1, "romeo dialled tybalt's dead device again at once");
  std::printf("tybalt dead: the first message undeliverable after %.1f s (%s); the next one after %.0f ms (%s), no AppAttach\n",
              seconds(first_failed - t1), std::get<1>(undeliverable[0]).message().c_str(),
              seconds(std::get<2>(second) - first_failed) * 1000, std::get<1>(second).message().c_str());

  // Reconnection: juliet's phone dies; her balcony dials it again, soon and then less often.
  phone->abandon();
  const auto killed = Clock::now();
  for (std::size_t i = 0; i < overlay.nodes().size(); ++i)
    if (overlay.nodes()[i] == node_of["juliet-phone"]) overlay.crash(i);
  auto balcony_dials = [&] {
    std::vector<Clock::time_point> at;
    for (const auto& [t, line] : said["juliet/balcony"])
      if (t > killed && line.find("AppAttach to " + node::short_id(phone_id)) != std::string::npos) at.push_back(t);
    return at;
  };
  // An AppAttach to a Node-ID nobody holds any more fails only when the request times out
  // (section 6.1.1 drops it silently): about 15 s after it was sent.
  test::check(overlay.run_until([&] { return !balcony_dials().empty(); }, 40s),
              "juliet's balcony did not dial her dead phone again within 40 s");
  const auto first_redial = balcony_dials()[0];
  overlay.run_for(1500ms);  // the next one waits 2 s
  test::check(balcony_dials().size() == 1, "the balcony dialled the dead phone again without waiting");
  std::printf("juliet's phone dead: her balcony (next regular round in a minute) dialled it again 1 s after the "
              "stream's idle timeout; that AppAttach failed %.1f s after the kill (2 s idle, 1 s wait, the request's "
              "15 s), and the next waits 2 s\n",
              seconds(first_redial - killed));
  std::printf("PASS\n");
  return 0;
}
