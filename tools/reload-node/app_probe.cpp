#include "app_probe.hpp"

#include <algorithm>
#include <chrono>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cxxopts.hpp>
#include <fmt/format.h>

#include "wire/attach.hpp"

// g++ 12 at -O2 inlines Asio's coroutine-frame allocation next to its deallocation and then
// reports a mismatch that is not there.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace reload::tools {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

namespace {

std::optional<std::uint16_t> application_number(int value) {
  if (value < 0 || value > 0xffff) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

asio::awaitable<void> echo(std::shared_ptr<transport::TlsSocket> socket) {
  std::vector<std::uint8_t> buffer(16 * 1024);
  for (;;) {
    std::size_t n = 0;
    if (co_await socket->read_some(buffer, n)) break;
    if (co_await socket->write_all(std::span(buffer).first(n))) break;
  }
  socket->close();
}

// The byte at `i` of what the probe sends: a pattern that a lost or doubled piece breaks.
std::uint8_t pattern(std::size_t i) { return static_cast<std::uint8_t>((i * 7 + i / 251) & 0xff); }

asio::awaitable<error_code> send_pattern(transport::TlsSocket& socket, std::size_t bytes) {
  std::vector<std::uint8_t> chunk(16 * 1024);
  for (std::size_t sent = 0; sent < bytes;) {
    const std::size_t n = std::min(chunk.size(), bytes - sent);
    for (std::size_t i = 0; i < n; ++i) chunk[i] = pattern(sent + i);
    if (auto ec = co_await socket.write_all(std::span(chunk).first(n))) co_return ec;
    sent += n;
  }
  co_return error_code{};
}

// Reads `bytes` back; the first offset that differs, if one does.
asio::awaitable<error_code> check_pattern(transport::TlsSocket& socket, std::size_t bytes,
                                          std::optional<std::size_t>& wrong_at) {
  std::vector<std::uint8_t> buffer(16 * 1024);
  for (std::size_t got = 0; got < bytes;) {
    std::size_t n = 0;
    if (auto ec = co_await socket.read_some(std::span(buffer).first(std::min(buffer.size(), bytes - got)), n))
      co_return ec;
    for (std::size_t i = 0; i < n && !wrong_at; ++i)
      if (buffer[i] != pattern(got + i)) wrong_at = got + i;
    got += n;
  }
  co_return error_code{};
}

// After the stream is up: the echo, then the result line.
asio::awaitable<void> check_echo(node::AppStream stream, AppProbePlan plan, double set_up,
                                 std::function<void(const std::string&)> print,
                                 std::function<void(std::optional<std::string>)> done) {
  const auto target = node::short_id(*plan.attach_to);
  const std::string pair = stream.pair ? fmt::format("{} to {}", wire::cand_type_name(stream.pair->local),
                                                     wire::cand_type_name(stream.pair->remote))
                                       : std::string("pair not reported");
  const auto began = Clock::now();
  std::optional<std::size_t> wrong_at;
  auto [sent, checked] =
      co_await (send_pattern(*stream.socket, plan.bytes) && check_pattern(*stream.socket, plan.bytes, wrong_at));
  stream.socket->close();
  std::optional<std::string> failure;
  if (sent || checked)
    failure = fmt::format("AppAttach to {}: the echo of {} bytes failed: {}", target, plan.bytes,
                          (sent ? sent : checked).message());
  else if (wrong_at)
    failure = fmt::format("AppAttach to {}: the echo differs at byte {}", target, *wrong_at);
  else
    print(fmt::format("app-attach {} application {}: stream in {:.1f} ms ({}), {} bytes echoed intact in {:.1f} ms",
                      target, plan.application, set_up, pair, plan.bytes, ms_since(began)));
  done(std::move(failure));
}

}  // namespace

void add_app_probe_options(cxxopts::Options& options) {
  options.add_options("AppAttach probe")
    ("app-echo", "answer AppAttach for APPLICATION with an echo of every byte (repeatable)",
     cxxopts::value<std::vector<int>>())
    ("app-attach", "one-shot: AppAttach to NODE_ID (hex), check an echo, print the set-up time and pair, leave",
     cxxopts::value<std::string>())
    ("app", "the application --app-attach asks for", cxxopts::value<int>()->default_value("5222"))
    ("app-bytes", "how many bytes --app-attach sends and expects back",
     cxxopts::value<std::size_t>()->default_value("65536"));
}

boost::system::result<AppProbePlan, std::string> parse_app_probe_flags(const cxxopts::ParseResult& args,
                                                                       std::size_t node_id_length) {
  AppProbePlan plan;
  if (args.count("app-echo")) {
    for (int value : args["app-echo"].as<std::vector<int>>()) {
      auto app = application_number(value);
      if (!app) return fmt::format("--app-echo {}: an application is a number from 0 to 65535", value);
      plan.echo.push_back(*app);
    }
  }
  auto app = application_number(args["app"].as<int>());
  if (!app) return fmt::format("--app {}: an application is a number from 0 to 65535", args["app"].as<int>());
  plan.application = *app;
  plan.bytes = args["app-bytes"].as<std::size_t>();
  if (args.count("app-attach")) {
    const auto text = args["app-attach"].as<std::string>();
    auto id = wire::NodeId::from_hex(text);
    if (!id || id->size() != node_id_length)
      return fmt::format("--app-attach {}: expected a Node-ID of {} hex digits", text, 2 * node_id_length);
    plan.attach_to = *id;
  }
  return plan;
}

void serve_app_echo(node::OverlayNode& node, asio::any_io_executor ex, const std::vector<std::uint16_t>& applications) {
  for (auto app : applications) {
    node.listen(app, [ex](node::AppStream stream) {
      asio::co_spawn(ex, echo(std::shared_ptr<transport::TlsSocket>(std::move(stream.socket))), asio::detached);
    });
  }
}

void run_app_attach(node::OverlayNode& node, asio::any_io_executor ex, const AppProbePlan& plan,
                    std::function<void(const std::string&)> print,
                    std::function<void(std::optional<std::string> failure)> done) {
  const auto began = Clock::now();
  node.async_app_attach(*plan.attach_to, plan.application,
                        [ex, plan, began, print = std::move(print), done = std::move(done)](error_code ec,
                                                                                          node::AppStream stream) {
                          if (ec)
                            return done(fmt::format("AppAttach to {} for application {} failed: {}",
                                                    node::short_id(*plan.attach_to), plan.application, ec.message()));
                          asio::co_spawn(ex, check_echo(std::move(stream), plan, ms_since(began), print, done),
                                         asio::detached);
                        });
}

}  // namespace reload::tools
