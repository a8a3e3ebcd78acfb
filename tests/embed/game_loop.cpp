// A game client as an embedder writes it, built out of the tree against the installed
// headers and library (pkg-config reload-xmpp): a frame loop that polls the io_context once
// a frame (16 ms), a reload::Node joined through a bootstrap peer, and an XMPP endpoint that
// sends COUNT chat messages to PEER, one per frame, and waits for each to come back
// ("echo: " + text), and once a device of PEER is connected, AppAttaches to it for
// application 7000 and gets its bytes echoed. A message reported undeliverable (PEER not online yet: no location
// stored, or its device not reachable yet) is sent again 250 ms later, as a game would; 400
// such reports in all fail the run. It uses only the public API: <reload/node.hpp> and <reload/xmpp.hpp>.
//
//   game_loop CONFIG_URL CA_FILE USER PASSWORD STATE_DIR BOOTSTRAP RESOURCE PEER COUNT
//
// Prints what happened with times since start, and "OK" with exit 0 when every echo came
// back exactly once, the node stopped within its deadline and no handler ran outside poll().
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <reload/node.hpp>
#include <reload/xmpp.hpp>

namespace {

using Clock = std::chrono::steady_clock;
const Clock::time_point began = Clock::now();
bool inside_poll = false;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

void say(const std::string& line) { std::printf("%8.1f ms  %s\n", ms_since(began), line.c_str()), std::fflush(stdout); }

[[noreturn]] void fail(const std::string& why) {
  say("FAIL: " + why);
  std::exit(1);
}

// Every handler checks that it runs inside poll(), as node.hpp promises.
void in_frame(const char* what) {
  if (!inside_poll) fail(std::string(what) + " ran outside io_context::poll()");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 10) {
    std::fprintf(stderr, "usage: game_loop CONFIG_URL CA_FILE USER PASSWORD STATE_DIR BOOTSTRAP RESOURCE PEER COUNT\n");
    return 2;
  }
  const std::string peer = argv[8];
  const int count = std::atoi(argv[9]);
  boost::asio::io_context io(1);

  reload::NodeOptions options;
  options.config = argv[1];
  options.ca_file = argv[2];
  options.user = argv[3];
  options.password = argv[4];
  options.state_dir = argv[5];
  options.bootstrap = {argv[6]};
  // GAME_LOOP_LOG=info shows the node's own lines.
  const char* level = std::getenv("GAME_LOOP_LOG");
  options.log_level = level && std::string(level) == "info" ? reload::LogLevel::info : reload::LogLevel::warning;
  options.log = [](reload::LogLevel, std::string_view line) {
    in_frame("the log handler");
    say("node: " + std::string(line));
  };
  std::map<reload::NodeEvent::Type, int> events;
  options.on_event = [&](const reload::NodeEvent& e) {
    in_frame("an event handler");
    ++events[e.type];
    if (e.type == reload::NodeEvent::Type::app_attached)
      say("AppAttach with " + e.peer.substr(0, 8) + ": " + e.local_candidate + " to " + e.remote_candidate);
  };
  reload::Node node(io.get_executor(), options);

  std::map<std::string, int> echoes;  // text -> times it came back
  Clock::time_point first_sent{};
  double first_round_trip = 0;
  reload::xmpp::EndpointOptions endpoint_options;
  endpoint_options.resource = argv[7];
  endpoint_options.on_stanza = [&](const reload::xmpp::Stanza& s) {
    in_frame("on_stanza");
    if (s.kind != "message" || s.body.rfind("echo: ", 0) != 0) return;
    if (++echoes[s.body.substr(6)] == 1 && echoes.size() == 1) first_round_trip = ms_since(first_sent);
  };
  std::string peer_device;  // the Node-ID of the first device of PEER that connected
  endpoint_options.on_device = [&](const reload::xmpp::DeviceChange& c) {
    in_frame("on_device");
    say(std::string("device of ") + c.user + (c.connected ? " connected (" + c.local_candidate + " to " + c.remote_candidate + ")" : " gone"));
    if (c.connected && c.user == peer && peer_device.empty()) peer_device = c.node_id;
  };
  std::deque<std::pair<Clock::time_point, std::string>> resend;  // (when, body)
  int undeliverable = 0;
  endpoint_options.on_undeliverable = [&](const reload::xmpp::Stanza& s, boost::system::error_code why) {
    in_frame("on_undeliverable");
    say("undeliverable to " + s.to + ": " + why.message() + "; sent again in 250 ms");
    if (++undeliverable > 400) fail("more than 400 messages undeliverable");
    resend.emplace_back(Clock::now() + std::chrono::milliseconds(250), s.body);
    return true;
  };
  reload::xmpp::Endpoint endpoint(node, endpoint_options);

  bool started = false, start_failed = false;
  double joined_at = 0;
  node.async_start([&](boost::system::error_code ec) {
    in_frame("the start completion");
    if (ec) {
      start_failed = true;
      say("start failed: " + ec.message() + ": " + node.error_message());
      return;
    }
    started = true;
    joined_at = ms_since(began);
    say("joined as " + node.node_id().substr(0, 8) + ", " + node.xmpp_address());
  });
  if (started || start_failed) fail("async_start completed inside the call");

  bool app_started = false, app_done = false;
  reload::AppStream app;
  const std::string app_sent = "player 1 moved to (3, 4)";
  std::string app_back(app_sent.size(), '\0');

  // The game loop: poll once a frame.
  int sent = 0;
  std::size_t frames = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(90);
  while (Clock::now() < deadline && !start_failed) {
    inside_poll = true;
    io.poll();
    inside_poll = false;
    ++frames;
    if (started && endpoint.published() && sent < count) {
      if (sent == 0) first_sent = Clock::now();
      if (auto ec = endpoint.send_message(peer, "frame " + std::to_string(frames) + " message " + std::to_string(sent)))
        fail("send_message: " + ec.message());
      ++sent;
    }
    while (!resend.empty() && resend.front().first <= Clock::now()) {
      if (auto ec = endpoint.send_message(peer, resend.front().second)) fail("send_message: " + ec.message());
      resend.pop_front();
    }
    // A game's own traffic on a direct stream to the peer's device: AppAttach for
    // application 7000, some bytes out, the same bytes back (echo_bot echoes them).
    if (!peer_device.empty() && !app_started) {
      app_started = true;
      node.async_app_attach(peer_device, 7000, [&](boost::system::error_code ec, reload::AppStream s) {
        in_frame("the AppAttach completion");
        if (ec) fail("AppAttach for application 7000: " + ec.message());
        app = std::move(s);
        boost::asio::async_write(app, boost::asio::buffer(app_sent), [&](boost::system::error_code wec, std::size_t) {
          if (wec) fail("writing on the AppAttach stream: " + wec.message());
        });
        boost::asio::async_read(app, boost::asio::buffer(app_back), [&](boost::system::error_code rec, std::size_t) {
          in_frame("the stream's read completion");
          if (rec) fail("reading on the AppAttach stream: " + rec.message());
          if (app_back != app_sent) fail("the AppAttach stream gave back '" + app_back + "'");
          say("AppAttach stream to " + app.peer().substr(0, 8) + " (" + app.local_candidate() + " to " +
              app.remote_candidate() + "): " + std::to_string(app_back.size()) + " bytes echoed");
          app.async_shutdown([&](boost::system::error_code sec) {
            in_frame("the stream's shutdown completion");
            if (sec) fail("shutting the AppAttach stream down: " + sec.message());
            app.close();
            app_done = true;
          });
        });
      });
    }
    if (static_cast<int>(echoes.size()) == count && app_done) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(16));
  }
  if (start_failed) fail("the node did not start");
  if (!app_done) fail("no echo on the AppAttach stream");
  if (static_cast<int>(echoes.size()) != count)
    fail(std::to_string(echoes.size()) + " of " + std::to_string(count) + " echoes came back");
  for (const auto& [text, times] : echoes)
    if (times != 1) fail("'" + text + "' came back " + std::to_string(times) + " times");
  say("all " + std::to_string(count) + " echoes came back once each; first round trip " +
      std::to_string(first_round_trip) + " ms (the lookup and the AppAttach included), joined after " +
      std::to_string(joined_at) + " ms, " + std::to_string(frames) + " frames");
  if (events[reload::NodeEvent::Type::link_up] == 0) fail("no link_up event");

  // Shutdown: the location removed, Leave sent; it must end within its deadlines.
  bool stopped = false;
  const auto stop_began = Clock::now();
  node.async_stop([&] {
    in_frame("the stop completion");
    stopped = true;
  });
  while (!stopped && Clock::now() - stop_began < std::chrono::seconds(10)) {
    inside_poll = true;
    io.poll();
    inside_poll = false;
    std::this_thread::sleep_for(std::chrono::milliseconds(16));
  }
  if (!stopped) fail("async_stop did not complete within 10 s");
  if (node.state() != reload::Node::State::stopped) fail("stopped, but the state is not");
  say("stopped in " + std::to_string(ms_since(stop_began)) + " ms");
  std::printf("OK\n");
  return 0;
}
