// The embedding API (include/reload) on a real overlay, through nothing but its public
// headers and the shared library: certificates from the real enrollment server, real TLS,
// ICE on loopback, all nodes on one io_context that this program runs.
//
//   - refusals: a malformed listen address (bad_argument), a wrong enrollment password
//     (identity, with the server's reason), no bootstrap peer (join_timeout);
//   - every completion runs on the io_context, never inside the call that started it, and
//     through any token: a callback, asio::use_awaitable in a coroutine, asio::use_future;
//   - a state directory kept across runs, then the same identity held in memory: same Node-ID;
//   - storage: a USER-MATCH value stored and fetched back by another node; another user's
//     resource refused with Error_Forbidden; an unknown Kind refused before anything is sent;
//   - AppAttach: one node listens for an application and echoes, another dials it and gets
//     its bytes back through asio::async_write / async_read; an application nobody serves
//     is Error_Not_Found, a malformed Node-ID bad_argument, a read after close() aborted;
//   - XMPP endpoints: a message and a raw stanza from romeo reach juliet, device events on
//     both sides, a malformed stanza refused at once, a message to a user with no location
//     answered with a stanza error when on_undeliverable declines it;
//   - stop while starting, and destroying a starting node: start completes with
//     operation_aborted, nothing hangs; every node stops (Leave) within its deadline.
//
//   node_api CONFIG_URL CA_FILE PASSWORD WORK_DIR
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <reload/node.hpp>
#include <reload/xmpp.hpp>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::error_code;

namespace {

std::string config_url, ca_file, password, work;
asio::io_context io(1);
std::ofstream nodes_log;  // WORK/nodes.log: every node's lines, which in_process_test.py shows on failure

[[noreturn]] void fail(const std::string& what) {
  std::printf("FAIL: %s\n", what.c_str());
  std::exit(1);
}
void check(bool ok, const std::string& what) {
  if (!ok) fail(what);
}

bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= end) return false;
    io.restart();
    io.run_for(20ms);
  }
  return true;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

reload::NodeOptions options_for(const std::string& user, const std::string& state) {
  reload::NodeOptions o;
  o.config = config_url;
  o.ca_file = ca_file;
  o.user = user;
  o.password = password;
  o.state_dir = work + "/" + state;
  o.log = [user](reload::LogLevel, std::string_view line) { nodes_log << user << ": " << line << std::endl; };
  return o;
}

// Starts `node` and runs until it completes; checks the completion did not run inside the call.
error_code start(reload::Node& node, std::chrono::seconds timeout = 60s) {
  std::optional<error_code> got;
  node.async_start([&](error_code ec) { got = ec; });
  check(!got, "async_start completed inside the call");
  check(run_until([&] { return got.has_value(); }, timeout), "async_start never completed");
  return *got;
}

void stop(reload::Node& node, const char* who) {
  bool done = false;
  const auto began = std::chrono::steady_clock::now();
  node.async_stop([&] { done = true; });
  check(!done, "async_stop completed inside the call");
  check(run_until([&] { return done; }, 15s), std::string(who) + ": async_stop did not complete within 15 s");
  check(node.state() == reload::Node::State::stopped, std::string(who) + ": stopped but not in state stopped");
  std::printf("%s stopped in %.0f ms\n", who,
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: node_api CONFIG_URL CA_FILE PASSWORD WORK_DIR\n");
    return 2;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  config_url = argv[1];
  ca_file = argv[2];
  password = argv[3];
  work = argv[4];
  nodes_log.open(work + "/nodes.log");

  // Refusals.
  {
    auto o = options_for("peer00", "bad-listen");
    o.listen = "not an address";
    reload::Node node(io.get_executor(), o);
    const auto ec = start(node);
    check(ec == reload::node_errc::bad_argument && node.error_message().find("listen") != std::string::npos,
          "a malformed listen address: " + ec.message() + ": " + node.error_message());
    std::printf("a malformed listen address: %s (%s)\n", ec.message().c_str(), node.error_message().c_str());
  }
  {
    auto o = options_for("peer01", "wrong-password");
    o.password = "not the password";
    reload::Node node(io.get_executor(), o);
    const auto ec = start(node);
    check(ec == reload::node_errc::identity && !node.error_message().empty(),
          "a wrong password: " + ec.message() + ": " + node.error_message());
    std::printf("a wrong enrollment password: %s (%s)\n", ec.message().c_str(), node.error_message().c_str());
  }

  // The first node starts the overlay; a coroutine drives it with use_awaitable.
  reload::NodeOptions first_options = options_for("peer00", "peer00");
  first_options.may_create = true;
  int first_events = 0;
  first_options.on_event = [&](const reload::NodeEvent&) { ++first_events; };
  reload::Node first(io.get_executor(), first_options);
  std::optional<error_code> first_started;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    try {
      co_await first.async_start(asio::use_awaitable);
      first_started = error_code{};
    } catch (const boost::system::system_error& e) {
      first_started = e.code();
    }
  }, asio::detached);
  check(run_until([&] { return first_started.has_value(); }, 60s) && !*first_started,
        "the first node did not start the overlay");
  const std::string bootstrap = "127.0.0.1:" + std::to_string(first.port());
  std::printf("peer00 started the overlay: Node-ID %s, user %s, port %u (use_awaitable)\n",
              first.node_id().substr(0, 8).c_str(), first.user_name().c_str(), first.port());

  // No bootstrap peer: join_timeout.
  {
    auto o = options_for("peer02", "peer02");
    o.bootstrap = {"127.0.0.1:1"};
    o.join_timeout = 3s;
    reload::Node node(io.get_executor(), o);
    const auto began = std::chrono::steady_clock::now();
    const auto ec = start(node, 20s);
    check(ec == reload::node_errc::join_timeout, "no bootstrap peer: " + ec.message());
    std::printf("no bootstrap peer: %s after %.1f s\n", ec.message().c_str(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
  }

  // A state directory, then the same identity in memory.
  std::string peer01_id;
  {
    auto o = options_for("peer01", "peer01");
    o.bootstrap = {bootstrap};
    reload::Node node(io.get_executor(), o);
    check(!start(node), "peer01 did not join: " + node.error_message());
    peer01_id = node.node_id();
    stop(node, "peer01 (state directory)");
  }
  reload::NodeOptions memory;
  memory.identity = reload::NodeOptions::Identity{slurp(work + "/peer01/overlay.xml"), slurp(work + "/peer01/node.key"),
                                                  slurp(work + "/peer01/node.crt")};
  memory.bootstrap = {bootstrap};
  memory.log = [](reload::LogLevel, std::string_view line) { nodes_log << "peer01 (memory): " << line << std::endl; };
  reload::Node second(io.get_executor(), memory);
  // use_future: the future is ready once the loop has run the completion.
  auto started = second.async_start(asio::use_future);
  check(run_until([&] { return started.wait_for(0s) == std::future_status::ready; }, 60s), "use_future never became ready");
  started.get();  // throws on an error
  check(second.node_id() == peer01_id, "the identity held in memory has another Node-ID");
  std::printf("peer01 again from memory (use_future): the same Node-ID %s\n", second.node_id().substr(0, 8).c_str());

  // Storage: CERTIFICATE_BY_USER (ARRAY, USER-MATCH) at the storer's own user name.
  constexpr std::uint32_t certificate_by_user = 16;
  const std::vector<std::uint8_t> value{'g', 'a', 'm', 'e', ' ', 's', 'a', 'v', 'e'};
  std::optional<error_code> stored, foreign, unknown;
  second.async_store(second.user_name(), certificate_by_user, {reload::StoredEntry{0, {}, value, true}}, 60s,
                     [&](error_code ec) { stored = ec; });
  second.async_store(first.user_name(), certificate_by_user, {reload::StoredEntry{0, {}, value, true}}, 60s,
                     [&](error_code ec) { foreign = ec; });
  second.async_store("anything", 999999, {}, 60s, [&](error_code ec) { unknown = ec; });
  check(!stored && !foreign && !unknown, "a store completed inside the call");
  check(run_until([&] { return stored && foreign && unknown; }, 30s), "the stores did not complete");
  check(!*stored, "storing at its own user name: " + stored->message());
  check(*foreign == reload::errc::forbidden, "storing at another user's name: " + foreign->message());
  check(*unknown == reload::node_errc::unknown_kind, "an unknown Kind: " + unknown->message());
  std::optional<std::vector<reload::StoredEntry>> fetched;
  first.async_fetch(second.user_name(), certificate_by_user, [&](error_code ec, std::vector<reload::StoredEntry> e) {
    check(!ec, "fetch: " + ec.message());
    fetched = std::move(e);
  });
  check(run_until([&] { return fetched.has_value(); }, 30s), "the fetch did not complete");
  check(fetched->size() == 1 && (*fetched)[0].value == value && (*fetched)[0].index == 0,
        "the fetched value is not the stored one");
  std::printf("stored at %s and fetched by another node; at another user's name: %s; Kind 999999: %s\n",
              second.user_name().c_str(), foreign->message().c_str(), unknown->message().c_str());

  // AppAttach: the first node serves an echo on application 7000, the second dials it.
  constexpr std::uint16_t echo_application = 7000;
  std::vector<std::shared_ptr<reload::AppStream>> accepted;
  check(!first.listen(echo_application,
                      [&](reload::AppStream s) {
                        auto stream = std::make_shared<reload::AppStream>(std::move(s));
                        accepted.push_back(stream);
                        asio::co_spawn(
                            io,
                            [stream]() -> asio::awaitable<void> {
                              char buffer[512];
                              for (;;) {
                                auto [ec, n] = co_await stream->async_read_some(asio::buffer(buffer),
                                                                               asio::as_tuple(asio::use_awaitable));
                                if (ec) co_return;
                                auto [wec, written] = co_await asio::async_write(*stream, asio::buffer(buffer, n),
                                                                                 asio::as_tuple(asio::use_awaitable));
                                if (wec) co_return;
                              }
                            },
                            asio::detached);
                      }),
        "listen for application 7000");
  check(first.listen(echo_application, [](reload::AppStream) {}) == reload::node_errc::bad_argument,
        "a second acceptor for the same application was taken");
  std::optional<error_code> attached;
  reload::AppStream dialled;
  second.async_app_attach(first.node_id(), echo_application, [&](error_code ec, reload::AppStream s) {
    attached = ec;
    dialled = std::move(s);
  });
  check(!attached, "async_app_attach completed inside the call");
  check(run_until([&] { return attached.has_value(); }, 30s), "the AppAttach did not complete");
  check(!*attached, "AppAttach: " + attached->message());
  check(dialled.is_open() && dialled.peer() == first.node_id() && dialled.application() == echo_application &&
            accepted.size() == 1 && accepted[0]->peer() == second.node_id() && accepted[0]->peer_user() == second.user_name(),
        "the two ends of the AppAttach do not name each other");
  const std::string said = "a game state over a direct stream";
  std::string echoed(said.size(), '\0');
  std::optional<error_code> wrote, read;
  asio::async_write(dialled, asio::buffer(said), [&](error_code ec, std::size_t) { wrote = ec; });
  asio::async_read(dialled, asio::buffer(echoed), [&](error_code ec, std::size_t) { read = ec; });
  check(run_until([&] { return wrote && read; }, 10s), "the echo did not come back");
  check(!*wrote && !*read && echoed == said, "the echo came back as '" + echoed + "'");
  std::optional<error_code> unserved, malformed_id, after_close;
  second.async_app_attach(first.node_id(), echo_application + 1, [&](error_code ec, reload::AppStream) { unserved = ec; });
  second.async_app_attach("not hex", echo_application, [&](error_code ec, reload::AppStream) { malformed_id = ec; });
  check(run_until([&] { return unserved && malformed_id; }, 30s), "the refused AppAttaches did not complete");
  check(*unserved == reload::errc::not_found, "an application nobody serves: " + unserved->message());
  check(*malformed_id == reload::node_errc::bad_argument, "a malformed Node-ID: " + malformed_id->message());
  dialled.close();
  dialled.async_read_some(asio::buffer(echoed), [&](error_code ec, std::size_t) { after_close = ec; });
  check(run_until([&] { return after_close.has_value(); }, 5s) && *after_close == asio::error::operation_aborted,
        "a read after close() did not end with operation_aborted");
  std::printf("AppAttach %s -> %s (%s to %s): %zu bytes echoed through asio::async_write and async_read; "
              "an application nobody serves: %s; a malformed Node-ID: %s\n",
              second.node_id().substr(0, 8).c_str(), first.node_id().substr(0, 8).c_str(),
              dialled.local_candidate().c_str(), dialled.remote_candidate().c_str(), echoed.size(),
              unserved->message().c_str(), malformed_id->message().c_str());
  first.stop_listening(echo_application);

  // XMPP endpoints.
  auto device = [&](const char* user) {
    auto o = options_for(user, user);
    o.bootstrap = {bootstrap};
    return std::make_unique<reload::Node>(io.get_executor(), o);
  };
  auto romeo_node = device("romeo");
  auto juliet_node = device("juliet");
  std::vector<reload::xmpp::Stanza> at_juliet, at_romeo;
  std::vector<reload::xmpp::DeviceChange> romeo_devices, juliet_devices;
  reload::xmpp::EndpointOptions romeo_options;
  romeo_options.resource = "verona";
  romeo_options.on_stanza = [&](const reload::xmpp::Stanza& s) { at_romeo.push_back(s); };
  romeo_options.on_device = [&](const reload::xmpp::DeviceChange& c) { romeo_devices.push_back(c); };
  romeo_options.on_undeliverable = [](const reload::xmpp::Stanza&, error_code) { return false; };
  reload::xmpp::Endpoint romeo(*romeo_node, romeo_options);
  reload::xmpp::EndpointOptions juliet_options;
  juliet_options.resource = "balcony";
  juliet_options.on_stanza = [&](const reload::xmpp::Stanza& s) { at_juliet.push_back(s); };
  juliet_options.on_device = [&](const reload::xmpp::DeviceChange& c) { juliet_devices.push_back(c); };
  // Both endpoints exist before their nodes start (each begins once joined), and romeo
  // sends as soon as both records are stored: right after the joins, while the ring around
  // the two new peers is still forming (section 10.5's order keeps their records findable).
  reload::xmpp::Endpoint juliet(*juliet_node, juliet_options);
  check(!start(*romeo_node) && !start(*juliet_node), "romeo's or juliet's node did not join");
  check(run_until([&] { return romeo.published() && juliet.published(); }, 30s), "the locations were not published");
  check(romeo.jid() == "romeo@montague.lit/verona", "romeo's JID is " + romeo.jid());
  check(!romeo.send_message("juliet@capulet.lit", "But soft"), "send_message failed at once");
  check(!romeo.send("<message to='juliet@capulet.lit' type='chat' id='raw-1'><body>what light</body></message>"),
        "send (XML text) failed at once");
  const auto malformed = romeo.send("<message to='juliet@capulet.lit'><body>unclosed</message>");
  check(malformed.failed(), "a malformed stanza was accepted");
  check(romeo.send_message("not a jid@", "x").failed(), "a malformed JID was accepted");
  check(run_until([&] { return at_juliet.size() >= 2; }, 30s), "juliet did not get romeo's two stanzas");
  check(at_juliet[0].body == "But soft" && at_juliet[0].from == "romeo@montague.lit/verona" && at_juliet[1].id == "raw-1" &&
            at_juliet[1].body == "what light",
        "juliet got other stanzas than romeo sent: " + at_juliet[0].xml);
  check(run_until([&] { return !romeo_devices.empty() && !juliet_devices.empty(); }, 10s), "no device events");
  check(romeo_devices[0].user == "juliet@capulet.lit" && romeo_devices[0].connected &&
            juliet_devices[0].user == "romeo@montague.lit",
        "the device events name the wrong users");
  check(romeo.connected().size() == 1 && romeo.connected()[0].first == "juliet@capulet.lit", "romeo's connected() is wrong");
  std::printf("juliet got '%s' and '%s' from %s; romeo saw juliet's device up (%s to %s); a malformed stanza: %s\n",
              at_juliet[0].body.c_str(), at_juliet[1].body.c_str(), at_juliet[0].from.c_str(),
              romeo_devices[0].local_candidate.c_str(), romeo_devices[0].remote_candidate.c_str(),
              malformed.message().c_str());
  check(!romeo.send_message("nobody@verona.lit", "anyone?"), "the message to nobody failed at once");
  check(run_until([&] { return !at_romeo.empty(); }, 30s), "no stanza error for the message to nobody");
  check(at_romeo[0].type == "error" && at_romeo[0].from == "nobody@verona.lit" &&
            at_romeo[0].xml.find("service-unavailable") != std::string::npos,
        "the answer to the message to nobody: " + at_romeo[0].xml);
  std::printf("a message to nobody@verona.lit came back as a stanza error: service-unavailable\n");

  // Stop while starting; destroy while starting.
  {
    auto o = options_for("peer02", "peer02");
    o.bootstrap = {bootstrap};
    reload::Node node(io.get_executor(), o);
    std::optional<error_code> got;
    node.async_start([&](error_code ec) { got = ec; });
    stop(node, "a node stopped while starting");
    check(run_until([&] { return got.has_value(); }, 5s) && *got == asio::error::operation_aborted,
          "the start of a node stopped while starting did not complete with operation_aborted");
  }
  {
    std::optional<error_code> got;
    {
      auto o = options_for("peer02", "peer02");
      o.bootstrap = {bootstrap};
      reload::Node node(io.get_executor(), o);
      node.async_start([&](error_code ec) { got = ec; });
    }
    check(run_until([&] { return got.has_value(); }, 5s) && *got == asio::error::operation_aborted,
          "the start of a node destroyed while starting did not complete with operation_aborted");
    std::printf("a node stopped while starting, and one destroyed while starting: start completed with %s\n",
                got->message().c_str());
  }

  stop(*romeo_node, "romeo (with its endpoint)");
  stop(*juliet_node, "juliet (with its endpoint)");
  stop(second, "peer01");
  stop(first, "peer00");
  check(first_events > 0, "the first node reported no events");
  std::printf("PASS\n");
  return 0;
}
