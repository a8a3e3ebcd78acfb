// Issue 16's proof at scale, in one process: a 20-node overlay whose links are DTLS-UDP-SR
// over ICE (in_process_test.py --ice --xmpp-users), three users with one to three devices
// (romeo; juliet and juliet-phone; mercutio, mercutio-tablet and mercutio-watch, each an
// enrollment user of its own), an XmppDevice on each.
//   - every pair of users exchanges MESSAGES messages each way, from the sender's devices in
//     turn: each arrives exactly once at every device of the recipient, and exactly one
//     <sent/> carbon reaches each other device of the sender;
//   - then juliet-phone restarts (its location removed, Leave sent, then back with the same
//     Node-ID) and mercutio-watch is killed (its streams dropped, its location left to lapse);
//     after the watch's record has lapsed a lookup finds mercutio's two other devices, and a
//     second round (ROUND2 messages each way) arrives exactly once at every live device.
//
//   xmpp_users CONFIG_URL CA_FILE PASSWORD WORK_DIR [MESSAGES] [ROUND2]
#include <cstdio>
#include <map>
#include <set>

#include <fmt/format.h>

#include "overlay_harness.hpp"
#include "usage/location_lookup.hpp"
#include "usage/xmpp_device.hpp"
#include "xmpp_messages.hpp"

using namespace reload;
using namespace std::chrono_literals;

namespace {

// The watch's record lives 6 s (refreshed every 4 s), so that it lapses within the test once
// the watch is killed. Every other record has the default 120 s lifetime and is refreshed
// only after 80 s, after the test: the records stored before later nodes joined must be
// found at their new responsible peers by the hand-over alone (section 10.5). Before the
// join followed the RFC's order, most runs failed that way (docs/benchmarks.md, "Three
// users").
constexpr auto watch_lifetime = 6s;

struct Device {
  std::string name;  // the enrollment user
  std::string user;  // the bare JID
  std::shared_ptr<usage::XmppDevice> device;
  std::shared_ptr<node::OverlayNode> node;
  std::map<std::string, int> got;   // bodies delivered (original or received carbon)
  std::map<std::string, int> sent;  // bodies seen as sent carbons
  bool alive = true;
};



}  // namespace

int main(int argc, char** argv) {
  auto rig = test::parse_rig_args(argc, argv, "xmpp_users CONFIG_URL CA_FILE PASSWORD WORK_DIR [MESSAGES] [ROUND2]");
  const int messages = argc > 5 ? std::stoi(argv[5]) : 100;
  const int round2 = argc > 6 ? std::stoi(argv[6]) : 20;
  test::InProcessOverlay overlay(rig);
  overlay.configure = test::loopback_ice;
  overlay.add_ring(14, 90s);

  std::vector<std::unique_ptr<Device>> devices;
  auto start = [&](Device& d) {
    overlay.add(d.name, 30s);
    d.node = overlay.nodes().back();
    auto st = test::enroll(rig, d.name);
    usage::XmppDeviceHandlers handlers;
    handlers.on_stanza = [&d](const xmpp::Element& e, const xmpp::StanzaEnvelope*) {
      const auto got = test::read_delivery(e);
      if (!got.body.empty() && !got.error) ++(got.sent_carbon ? d.sent : d.got)[got.body];
    };
    handlers.log = [&overlay](const std::string& line) { overlay.log(line); };
    usage::XmppDeviceOptions options;
    options.mesh_interval = 1s;
    if (d.name == "mercutio-watch") options.location.lifetime = watch_lifetime;
    options.max_waiting = 1000;
    auto made = usage::XmppDevice::create(d.node, st.certificate, d.name, options, handlers);
    test::check(made.has_value(), fmt::format("{}: {}", d.name, made ? "" : made.error().message()));
    d.device = *made;
    d.device->start();
  };
  for (auto [name, user] : {std::pair{"romeo", "romeo@montague.lit"}, {"juliet", "juliet@capulet.lit"},
                            {"juliet-phone", "juliet@capulet.lit"}, {"mercutio", "mercutio@verona.lit"},
                            {"mercutio-tablet", "mercutio@verona.lit"}, {"mercutio-watch", "mercutio@verona.lit"}}) {
    devices.push_back(std::make_unique<Device>(Device{name, user, nullptr, nullptr, {}, {}, true}));
    start(*devices.back());
  }
  const std::vector<std::string> users = {"romeo@montague.lit", "juliet@capulet.lit", "mercutio@verona.lit"};
  auto of_user = [&](const std::string& user) {
    std::vector<Device*> out;
    for (auto& d : devices)
      if (d->user == user && d->alive) out.push_back(d.get());
    return out;
  };
  auto own_mesh_up = [&] {
    for (auto& d : devices) {
      const auto want = of_user(d->user).size() - 1;
      if (d->alive && want > 0 && d->device->connected()[d->user] < want) return false;
    }
    return true;
  };
  test::check(overlay.run_until(own_mesh_up, 60s), "the users' own devices did not all link within 60 s");
  std::printf("20 nodes; romeo 1, juliet 2 and mercutio 3 devices, each user's devices linked to each other\n");

  // One round: `count` messages each way between every pair of users; then exact counts.
  std::set<std::string> expected_bodies;
  auto run_round = [&](const std::string& tag, int count) {
    std::map<Device*, std::set<std::string>> want_got, want_sent;
    std::size_t sent_total = 0;
    for (const auto& from : users)
      for (const auto& to : users) {
        if (from == to) continue;
        const auto senders = of_user(from);
        for (int i = 0; i < count; ++i) {
          Device* sender = senders[static_cast<std::size_t>(i) % senders.size()];
          const auto body = fmt::format("{} {}->{} #{}", tag, from, to, i);
          test::check(!sender->device->send(test::chat(to, body)), fmt::format("{} could not send", sender->name));
          ++sent_total;
          for (auto* d : of_user(to)) want_got[d].insert(body);
          for (auto* d : senders)
            if (d != sender) want_sent[d].insert(body);
        }
      }
    auto complete = [&] {
      for (auto& [d, bodies] : want_got)
        for (const auto& b : bodies)
          if (!d->got.contains(b)) return false;
      for (auto& [d, bodies] : want_sent)
        for (const auto& b : bodies)
          if (!d->sent.contains(b)) return false;
      return true;
    };
    const auto t0 = std::chrono::steady_clock::now();
    const bool done = overlay.run_until(complete, 120s);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    overlay.run_for(1000ms);  // a second copy would be here by now
    std::size_t missing = 0, twice = 0, stray = 0;
    for (auto& d : devices) {
      if (!d->alive) continue;
      std::size_t missing_got = 0, missing_sent = 0;
      std::string example;
      for (const auto& b : want_got[d.get()])
        if (!d->got.contains(b) && ++missing_got == 1) example = b;
      for (const auto& b : want_sent[d.get()])
        if (!d->sent.contains(b) && ++missing_sent == 1 && example.empty()) example = "(sent) " + b;
      if (missing_got + missing_sent > 0)
        std::printf("  %s is missing %zu messages and %zu sent carbons, e.g. '%s'\n", d->name.c_str(), missing_got,
                    missing_sent, example.c_str());
      missing += missing_got + missing_sent;
      for (const auto& [b, n] : d->got) {
        if (b.rfind(tag + " ", 0) != 0) continue;
        twice += n > 1;
        stray += !want_got[d.get()].contains(b);
      }
      for (const auto& [b, n] : d->sent) {
        if (b.rfind(tag + " ", 0) != 0) continue;
        twice += n > 1;
        stray += !want_sent[d.get()].contains(b);
      }
    }
    std::printf("%s: %zu messages sent; all delivered in %.1f s; %zu missing, %zu delivered twice, %zu where they"
                " should not be\n", tag.c_str(), sent_total, secs, missing, twice, stray);
    test::check(done && missing == 0 && twice == 0 && stray == 0, fmt::format("{}: not exactly once everywhere", tag));
  };
  run_round("round1", messages);

  // juliet-phone restarts: location removed, node gone, then back with the same Node-ID.
  auto& phone = *devices[2];
  const auto phone_id = phone.node->self();
  bool stopped = false, left = false;
  phone.device->stop([&] { stopped = true; });
  test::check(overlay.run_until([&] { return stopped; }, 30s), "juliet-phone did not stop");
  // A clean restart: the node sends Leave, so its neighbours drop their links to it at once
  // and its next instance can join in their place. (After a crash, peers hold their stale
  // links to that Node-ID until the links time out, 30 s, and its Attaches get "linked
  // already" answers meanwhile: not handled yet.)
  phone.node->leave([&] { left = true; });
  test::check(overlay.run_until([&] { return left; }, 10s), "juliet-phone did not leave");
  for (std::size_t i = 0; i < overlay.nodes().size(); ++i)
    if (overlay.nodes()[i] == phone.node) overlay.crash(i);
  phone.got.clear();
  phone.sent.clear();
  start(phone);
  test::check(phone.node->self() == phone_id, "juliet-phone came back with another Node-ID");
  test::check(overlay.run_until(own_mesh_up, 60s), "juliet's devices did not link again after the restart");
  // mercutio-watch is killed: streams dropped, location left to lapse. Not while the ring
  // still takes juliet-phone back in: a kill next to a join has left the ring around the
  // joiner inconsistent for over a minute (its replica Stores refused), which is issue
  // material of its own, not this test's.
  auto& watch = *devices[5];
  watch.device->abandon();
  for (std::size_t i = 0; i < overlay.nodes().size(); ++i)
    if (overlay.nodes()[i] == watch.node) overlay.crash(i);
  watch.alive = false;
  test::check(overlay.run_until(own_mesh_up, 60s), "the users' devices did not all stay linked after the kill");
  std::printf("juliet-phone restarted (same Node-ID) and linked again; mercutio-watch killed\n");

  std::optional<std::size_t> mercutio_devices;
  const auto lapse = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - lapse < 30s) {
    std::optional<boost::system::result<usage::LookupResult>> found;
    usage::lookup_user(*devices[0]->node, xmpp::Jid::parse("mercutio@verona.lit").value(), {},
                       [&](auto r) { found = std::move(r); });
    overlay.run_until([&] { return found.has_value(); }, 10s);
    if (found && *found && (*found)->devices.size() == 2) {
      mercutio_devices = 2;
      break;
    }
    overlay.run_for(1000ms);
  }
  test::check(mercutio_devices.has_value(), "mercutio-watch's location did not lapse within 30 s");
  std::printf("mercutio-watch's location lapsed %.1f s after the kill: a lookup finds mercutio's 2 live devices\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - lapse).count());

  run_round("round2", round2);
  for (auto& d : devices)
    if (d->alive) d->device->stop([] {});
  overlay.run_for(500ms);
  overlay.leave_all();
  std::printf("PASS\n");
  return 0;
}
