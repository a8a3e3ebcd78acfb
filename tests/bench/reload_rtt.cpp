// The reload-xmpp side of xmpp_vs_prosody.py: an XMPP device on the overlay through the
// embedding API (libreload-xmpp), as a game would run it, on io_context::run().
//
//   reload_rtt CONFIG_URL CA_FILE USER PASSWORD STATE_DIR BOOTSTRAP RESOURCE echo
//       answers every chat message with the same body, to its sender's full JID; prints
//       "ready" once its location is published.
//   reload_rtt CONFIG_URL CA_FILE USER PASSWORD STATE_DIR BOOTSTRAP RESOURCE ping PEER_JID COUNT
//       sends one message and waits for its echo (the lookup, the AppAttach and the stream
//       set-up: printed as "first_us N"), then COUNT more, each once the previous echo came
//       back over the open direct stream ("rtt_us N" each), then "done".
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <reload/node.hpp>
#include <reload/xmpp.hpp>

namespace {
using Clock = std::chrono::steady_clock;
double us_since(Clock::time_point t) { return std::chrono::duration<double, std::micro>(Clock::now() - t).count(); }
}  // namespace

int main(int argc, char** argv) {
  const bool ping = argc == 11 && std::string(argv[8]) == "ping";
  if (!(argc == 9 && std::string(argv[8]) == "echo") && !ping) {
    std::fprintf(stderr, "usage: reload_rtt CONFIG_URL CA_FILE USER PASSWORD STATE_DIR BOOTSTRAP RESOURCE echo|ping [PEER COUNT]\n");
    return 2;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  boost::asio::io_context io(1);
  reload::NodeOptions options;
  options.config = argv[1];
  options.ca_file = argv[2];
  options.user = argv[3];
  options.password = argv[4];
  options.state_dir = argv[5];
  options.bootstrap = {argv[6]};
  // RELOAD_ICE_THREAD=1: libnice on a thread of its own (the default of NodeOptions); by
  // default here it runs on this program's one thread, as a game loop would run it.
  const char* ice_thread = std::getenv("RELOAD_ICE_THREAD");
  options.ice_thread = ice_thread && std::string(ice_thread) == "1";
  if (std::getenv("RELOAD_RTT_LOG"))
    options.log = [](reload::LogLevel, std::string_view line) { std::printf("log: %.*s\n", int(line.size()), line.data()); };
  reload::Node node(io.get_executor(), options);

  const std::string peer = ping ? argv[9] : "";
  const int count = ping ? std::atoi(argv[10]) : 0;
  int answered = 0;  // echoes back (ping)
  std::vector<double> rtts;
  Clock::time_point sent_at;
  int exit_code = 1;
  reload::xmpp::Endpoint* self = nullptr;
  auto send = [&] {
    sent_at = Clock::now();
    if (auto ec = self->send_message(peer, "ping " + std::to_string(answered))) {
      std::printf("send failed: %s\n", ec.message().c_str());
      io.stop();
    }
  };
  reload::xmpp::EndpointOptions eo;
  eo.resource = argv[7];
  eo.on_stanza = [&](const reload::xmpp::Stanza& s) {
    if (s.kind != "message" || s.body.empty() || s.type == "error" || s.sent_carbon || s.received_carbon) return;
    if (!ping) {
      self->send_message(s.from, s.body);
      return;
    }
    // Kept, and printed at the end: a line per round trip would wake the reader each time.
    rtts.push_back(us_since(sent_at));
    if (answered++ == count) {
      std::printf("first_us %.1f\n", rtts.front());
      for (std::size_t i = 1; i < rtts.size(); ++i) std::printf("rtt_us %.1f\n", rtts[i]);
      std::printf("done\n");
      exit_code = 0;
      node.async_stop([&] { io.stop(); });
      return;
    }
    send();
  };
  eo.on_undeliverable = [&](const reload::xmpp::Stanza& s, boost::system::error_code why) {
    std::printf("undeliverable to %s: %s\n", s.to.c_str(), why.message().c_str());
    io.stop();
    return true;
  };
  reload::xmpp::Endpoint endpoint(node, eo);
  self = &endpoint;

  node.async_start([&](boost::system::error_code ec) {
    if (ec) {
      std::printf("start failed: %s\n", node.error_message().c_str());
      io.stop();
    }
  });
  // Ready once the location is stored: poll it (a benchmark's own bookkeeping, not the API's).
  boost::asio::steady_timer poll(io);
  std::function<void()> wait_published = [&] {
    if (endpoint.published()) {
      std::printf("ready\n");
      if (ping) send();
      return;
    }
    poll.expires_after(std::chrono::milliseconds(5));
    poll.async_wait([&](boost::system::error_code ec) {
      if (!ec) wait_published();
    });
  };
  wait_published();
  io.run();
  return exit_code;
}
