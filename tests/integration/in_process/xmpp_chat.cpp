// XMPP over the overlay, end to end in one process (issue 16): OverlayNodes whose links are
// DTLS-UDP-SR over ICE (in_process_test.py --ice --xmpp-users), certificates from the real
// enrollment server, and an XmppDevice on each of romeo's one device and juliet's two
// (enrollment users juliet and juliet-phone, one XMPP address).
//   - juliet's devices find each other through their XMPP-LOCATION records and open a stream
//     (XEP-0415 section 6.1: every device of one's own user);
//   - romeo sends MESSAGES chat messages to juliet@capulet.lit: he looks her up, AppAttaches
//     both devices, and each of her devices delivers every message exactly once (one gets it
//     from romeo, or as a <received/> carbon from the other, never both); romeo's link
//     budget is one stream, so once idle (1 s here) one of the two is closed as redundant
//     (section 6.1);
//   - juliet's balcony device answers each: romeo gets every answer once, and juliet's phone
//     gets each as a <sent/> carbon, once;
//   - a message to nobody@verona.lit comes back as undeliverable (no location), to the
//     application's hook and then, not taken there, as a service-unavailable stanza error;
//   - attacks on a device's stream: mallory (mallory@evil.lit) AppAttaches to juliet's device
//     and opens a stream claiming to be romeo (<invalid-from/>), then one as herself carrying
//     a message "from" romeo (dropped: its sender is not the stream's user); juliet's client
//     sees neither.
// The times from the first send to the first delivery are printed.
//
//   xmpp_chat CONFIG_URL CA_FILE PASSWORD WORK_DIR [MESSAGES]
#include <cstdio>
#include <map>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <fmt/format.h>

#include "overlay_harness.hpp"
#include "usage/xmpp_device.hpp"
#include "xmpp_messages.hpp"

using namespace reload;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// What one device's client got: bodies by count, and the carbons among them.
struct Inbox {
  std::map<std::string, int> bodies;
  std::map<std::string, int> sent_carbons;
  std::vector<std::string> errors;  // stanza errors: condition and 'from'
  std::size_t total = 0;
  Clock::time_point first{};
};



}  // namespace

int main(int argc, char** argv) {
  auto rig = test::parse_rig_args(argc, argv, "xmpp_chat CONFIG_URL CA_FILE PASSWORD WORK_DIR [MESSAGES]");
  const int messages = argc > 5 ? std::stoi(argv[5]) : 20;
  test::InProcessOverlay overlay(rig);
  overlay.configure = test::loopback_ice;
  overlay.add_ring(6, 60s);

  std::map<std::string, Inbox> inboxes;
  std::vector<std::pair<std::string, boost::system::error_code>> undeliverable;
  // Every node first, and the ring settled, before any location is stored: this test is
  // about the XMPP streams; lookups right after joins are xmpp-locations' and node-api's.
  std::map<std::string, std::shared_ptr<node::OverlayNode>> node_of;
  for (const char* user : {"juliet", "juliet-phone", "romeo", "mallory"}) {
    overlay.add(user, 30s);
    node_of[user] = overlay.nodes().back();
  }
  test::check(overlay.run_until([&] { return overlay.ring_mismatch().empty(); }, 30s), "the ring of 10 did not settle");
  auto device = [&](const char* user, const char* resource, std::size_t link_budget = 64) {
    auto st = test::enroll(rig, user);
    const std::string name = fmt::format("{}/{}", user, resource);
    usage::XmppDeviceHandlers handlers;
    handlers.on_stanza = [&inboxes, name](const xmpp::Element& e, const xmpp::StanzaEnvelope*) {
      auto& inbox = inboxes[name];
      if (e.attribute("type") == "error") {
        const auto* error = e.child(xmpp::ns::client, "error");
        const auto* condition = error ? error->first_child_element() : nullptr;
        inbox.errors.push_back(fmt::format("{} from {}", condition ? condition->name() : "?",
                                           e.attribute("from").value_or("?")));
        return;
      }
      const auto got = test::read_delivery(e);
      if (inbox.total++ == 0) inbox.first = Clock::now();
      ++(got.sent_carbon ? inbox.sent_carbons : inbox.bodies)[got.body];
    };
    handlers.on_undeliverable = [&undeliverable](const xmpp::Element& e, boost::system::error_code ec) {
      undeliverable.emplace_back(std::string(e.attribute("to").value_or("")), ec);
      return false;  // not taken: the device answers with a stanza error
    };
    handlers.log = [&overlay](const std::string& line) { overlay.log(line); };
    usage::XmppDeviceOptions options;
    options.mesh_interval = 1s;  // the devices come up one after another while the ring settles
    options.link_budget = link_budget;
    options.idle_after = 1s;
    auto made = usage::XmppDevice::create(node_of[user], st.certificate, resource, options, handlers);
    test::check(made.has_value(), fmt::format("{}: {}", name, made ? "" : made.error().message()));
    (*made)->start();
    return *made;
  };
  auto juliet = device("juliet", "balcony");
  auto phone = device("juliet-phone", "phone");
  // romeo keeps one stream (section 6.1's budget): of juliet's two devices he dials, one is
  // closed as redundant once idle.
  auto romeo = device("romeo", "verona", 1);
  const std::string juliet_bare = "juliet@capulet.lit", romeo_bare = "romeo@montague.lit";
  test::check(overlay.run_until([&] { return juliet->connected().contains(juliet_bare) && phone->connected().contains(juliet_bare); },
                                30s),
              "juliet's two devices did not open a stream to each other within 30 s");
  std::printf("juliet's balcony and phone devices are linked by an XMPP stream over AppAttach\n");

  const auto t0 = Clock::now();
  for (int i = 0; i < messages; ++i)
    test::check(!romeo->send(test::chat(juliet_bare, fmt::format("romeo {}", i))), "romeo could not send");
  auto all_of = [&](const std::string& device, int n) {
    const auto& inbox = inboxes[device];
    return static_cast<int>(inbox.bodies.size()) >= n;
  };
  test::check(overlay.run_until([&] { return all_of("juliet/balcony", messages) && all_of("juliet-phone/phone", messages); }, 30s),
              fmt::format("juliet's devices got {} and {} of romeo's {} messages", inboxes["juliet/balcony"].bodies.size(),
                          inboxes["juliet-phone/phone"].bodies.size(), messages));
  const auto ms = [&](Clock::time_point t) { return std::chrono::duration<double, std::milli>(t - t0).count(); };
  std::printf("romeo -> juliet@capulet.lit: %d messages; first delivered after %.1f ms (balcony) and %.1f ms (phone),"
              " with the lookup and the AppAttaches\n",
              messages, ms(inboxes["juliet/balcony"].first), ms(inboxes["juliet-phone/phone"].first));

  for (int i = 0; i < messages; ++i)
    test::check(!juliet->send(test::chat(romeo_bare, fmt::format("juliet {}", i))), "juliet could not send");
  test::check(overlay.run_until([&] {
                return all_of("romeo/verona", messages) &&
                       static_cast<int>(inboxes["juliet-phone/phone"].sent_carbons.size()) >= messages;
              }, 30s),
              fmt::format("romeo got {} of juliet's {} answers, her phone {} carbons", inboxes["romeo/verona"].bodies.size(),
                          messages, inboxes["juliet-phone/phone"].sent_carbons.size()));
  overlay.run_for(500ms);  // anything sent twice arrives by now

  for (const auto& [device, inbox] : inboxes) {
    for (const auto& [body, count] : inbox.bodies)
      test::check(count == 1, fmt::format("{} got '{}' {} times", device, body, count));
    for (const auto& [body, count] : inbox.sent_carbons)
      test::check(count == 1, fmt::format("{} got the carbon of '{}' {} times", device, body, count));
    std::printf("%s: %zu messages and %zu sent carbons, each exactly once\n", device.c_str(), inbox.bodies.size(),
                inbox.sent_carbons.size());
  }
  test::check(inboxes["romeo/verona"].sent_carbons.empty() && inboxes["juliet/balcony"].sent_carbons.empty(),
              "a carbon went to a device with no sibling that sent");
  test::check(overlay.run_until([&] { return romeo->connected()[juliet_bare] == 1; }, 10s),
              fmt::format("romeo, with a budget of one stream, has {} streams to juliet's devices",
                          romeo->connected()[juliet_bare]));
  std::printf("romeo, with a link budget of 1, kept one stream to juliet's devices once they were idle\n");

  test::check(!romeo->send(test::chat("nobody@verona.lit", "anyone?")), "romeo could not send to nobody");
  test::check(overlay.run_until([&] { return !undeliverable.empty(); }, 30s), "the message to nobody never came back");
  std::printf("a message to %s: undeliverable (%s)\n", undeliverable.front().first.c_str(),
              undeliverable.front().second.message().c_str());
  test::check(undeliverable.front().second == usage::lookup_errc::no_location, "not undeliverable for want of a location");
  auto& romeo_errors = inboxes["romeo/verona"].errors;
  test::check(overlay.run_until([&] { return !romeo_errors.empty(); }, 5s) &&
                  romeo_errors.front() == "service-unavailable from nobody@verona.lit",
              fmt::format("romeo's client got '{}', not service-unavailable from nobody@verona.lit",
                          romeo_errors.empty() ? "nothing" : romeo_errors.front()));
  std::printf("romeo's client got the stanza error %s\n", romeo_errors.front().c_str());

  // mallory's raw XMPP over an AppAttach stream to juliet's balcony device: what she sends,
  // and everything that comes back until the stream ends.
  auto as_mallory = [&](std::string bytes) {
    std::optional<std::string> reply;
    node_of["mallory"]->async_app_attach(
        node_of["juliet"]->self(), 5222, [&, bytes](boost::system::error_code ec, node::AppStream stream) {
          if (ec) {
            reply = "AppAttach failed: " + ec.message();
            return;
          }
          auto socket = std::make_shared<std::unique_ptr<transport::TlsSocket>>(std::move(stream.socket));
          boost::asio::co_spawn(overlay.io, [&, socket, bytes]() -> boost::asio::awaitable<void> {
            std::string got;
            if (auto e = co_await (*socket)->write_all(wire::as_bytes(std::string_view(bytes)))) {
              reply = "write failed: " + e.message();
              co_return;
            }
            std::array<std::uint8_t, 4096> buffer;
            for (;;) {
              std::size_t n = 0;
              auto e = co_await (*socket)->read_some(buffer, n);
              got.append(reinterpret_cast<const char*>(buffer.data()), n);
              if (e || got.find("</stream:stream>") != std::string::npos) break;
            }
            (*socket)->close();
            reply = got;
          }, boost::asio::detached);
        });
    test::check(overlay.run_until([&] { return reply.has_value(); }, 20s), "mallory's stream never ended");
    return *reply;
  };
  const std::string header_start =
      "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
      "to='juliet@capulet.lit' version='1.0' ";
  const auto before = inboxes["juliet/balcony"].total;
  const auto claimed = as_mallory(header_start + "from='romeo@montague.lit'>");
  test::check(claimed.find("invalid-from") != std::string::npos,
              "a stream from mallory claiming to be romeo was not refused with <invalid-from/>: " + claimed);
  std::printf("mallory's stream claiming from='romeo@montague.lit': <invalid-from/>\n");
  const auto forged = as_mallory(header_start + "from='mallory@evil.lit'>" +
                                 "<message from='romeo@montague.lit/verona' to='juliet@capulet.lit' type='chat'>"
                                 "<body>forged</body></message></stream:stream>");
  overlay.run_for(300ms);
  test::check(inboxes["juliet/balcony"].total == before && !inboxes["juliet/balcony"].bodies.contains("forged"),
              "juliet's client got something of mallory's: " + forged);
  std::printf("mallory's own stream carrying a message from='romeo@montague.lit/verona': dropped, nothing delivered\n");

  overlay.leave_all();
  std::printf("PASS\n");
  return 0;
}
