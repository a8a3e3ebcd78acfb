// reload-node: a standalone RELOAD peer (RFC 6940). Its links are TLS-TCP-FH-NO-ICE, or
// DTLS-UDP-SR over ICE where the document does not say <no-ice> (STUN and TURN servers from
// --stun and --turn: ice_flags.hpp).
//
// On first start it gets an identity (enrollment, or a self-signed certificate where the
// overlay permits it) into its state directory, then joins through a bootstrap peer (or
// starts the overlay when none answers and it may), and runs until SIGINT or SIGTERM, when
// it sends Leave to its neighbors and exits 0. Every event is one log line prefixed with the
// Node-ID; a failed start is one line on stderr and a non-zero exit.
//
// With --store or --fetch, or --app-attach (app_probe.hpp), it runs once (until a control API exists, the operator's way to
// reach the overlay's storage): it joins, waits for its ring neighbourhood to settle, carries
// out the operations (or the AppAttach) in order, prints one line per result on stdout, leaves, and exits 0, or
// 1 after one line on stderr. Its progress lines go to stderr then, and only with --log-level.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>
#include <random>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cxxopts.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "app_probe.hpp"
#include "ice_flags.hpp"
#include "node/overlay_node.hpp"
#include "reload/file_io.hpp"
#include "transport/ice_executor.hpp"
#include "transport/endpoint.hpp"
#include "api/identity.hpp"
#include "ring_settle.hpp"
#include "status_file.hpp"
#include "storage_flags.hpp"
#include "storage_plan.hpp"
#include "storage_run.hpp"
#include "xmpp_mode.hpp"

namespace asio = boost::asio;
using reload::api::IdentityRequest;

namespace {

// One-shot runs: how long the neighbourhood must stay unchanged before the first operation
// (the node's own "ring stable" line uses 3 s), and how long joining may take.
constexpr std::chrono::seconds settle_quiet{3};
constexpr std::chrono::seconds join_deadline{60};

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "reload-node: %s\n", what.c_str());
  std::exit(1);
}

std::string read_password(const std::string& file) {
  auto text = reload::read_file(file);
  if (!text) fail(fmt::format("cannot read --password-file {}: {}", file, text.error().message()));
  std::string line = text->substr(0, text->find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  cxxopts::Options opts("reload-node",
                        "A RELOAD overlay peer (RFC 6940) with the XMPP usage (XEP-0415).\n"
                        "With --store or --fetch it runs once: joins, does them in order, prints one line per "
                        "result, leaves.");
  opts.add_options()
    ("config", "overlay configuration: a file, or the https:// URL of an enrollment server's document",
     cxxopts::value<std::string>())
    ("state-dir", "where the node keeps its key, certificate and configuration",
     cxxopts::value<std::string>())
    ("listen", "ADDR:PORT to accept overlay links on (port 0: any free port)",
     cxxopts::value<std::string>()->default_value("127.0.0.1:0"))
    ("bootstrap", "ADDR:PORT of a peer to join through (repeatable; default: the document's bootstrap-nodes)",
     cxxopts::value<std::vector<std::string>>())
    ("create", "start a new overlay when no bootstrap peer answers")
    ("user", "user name for enrollment (or for a self-signed certificate)", cxxopts::value<std::string>())
    ("password-file", "file whose first line is the enrollment password", cxxopts::value<std::string>())
    ("ca-file", "PEM certificate to trust for the enrollment server's HTTPS", cxxopts::value<std::string>())
    ("log-level", "debug, info, warning or error", cxxopts::value<std::string>()->default_value("info"))
    ("h,help", "this text");
  reload::tools::add_storage_options(opts);
  reload::tools::add_ice_options(opts);
  reload::tools::add_app_probe_options(opts);
  reload::tools::add_xmpp_options(opts);
  cxxopts::ParseResult args;
  try {
    args = opts.parse(argc, argv);
  } catch (const std::exception& e) {
    fail(e.what());
  }
  if (args.count("help")) {
    fmt::print("{}\n", opts.help());
    return 0;
  }
  if (!args.count("config")) fail("--config is required (a file or an https:// URL)");
  if (!args.count("state-dir")) fail("--state-dir is required");
  auto storage_commands = reload::tools::parse_storage_flags(args);
  if (!storage_commands) fail(storage_commands.error());
  const bool one_shot = !storage_commands->empty() || args.count("app-attach") > 0;
  // A one-shot run keeps stdout for its results and is silent unless asked.
  std::string level = one_shot && !args.count("log-level") ? "warning" : args["log-level"].as<std::string>();
  if (level != "debug" && level != "info" && level != "warning" && level != "error")
    fail(fmt::format("--log-level {}: use debug, info, warning or error", level));
  const bool quiet = level == "warning" || level == "error";
  std::FILE* log_to = one_shot ? stderr : stdout;
  auto say = [quiet, log_to](const std::string& line) {
    if (quiet) return;
    auto now = std::chrono::system_clock::now();
    std::fprintf(log_to, "%s %s\n",
                 fmt::format("{:%H:%M:%S}", std::chrono::floor<std::chrono::milliseconds>(now)).c_str(), line.c_str());
    std::fflush(log_to);
  };

  IdentityRequest req;
  req.config = args["config"].as<std::string>();
  req.state_dir = args["state-dir"].as<std::string>();
  if (args.count("user")) req.user = args["user"].as<std::string>();
  if (args.count("password-file")) req.password = read_password(args["password-file"].as<std::string>());
  if (args.count("ca-file")) req.ca_file = args["ca-file"].as<std::string>();
  auto listen = reload::transport::parse_endpoint(args["listen"].as<std::string>());
  if (!listen) fail(fmt::format("--listen {}: expected ADDR:PORT", args["listen"].as<std::string>()));
  auto ice = reload::tools::parse_ice_flags(args);
  if (!ice) fail(ice.error());

  auto identity = reload::api::load_or_make_identity(req, say);
  if (!identity) fail(identity.error());
  auto operations = reload::tools::plan_storage(*storage_commands, identity->configuration.config,
                                                identity->certificate, identity->node_id);
  if (!operations) fail(operations.error());
  auto app_probe = reload::tools::parse_app_probe_flags(args, identity->configuration.config.node_id_length);
  if (!app_probe) fail(app_probe.error());
  if (app_probe->attach_to && !storage_commands->empty()) fail("--app-attach runs alone, without --store or --fetch");
  auto xmpp_flags = reload::tools::parse_xmpp_flags(args, identity->certificate);
  if (!xmpp_flags) fail(xmpp_flags.error());
  if (*xmpp_flags && one_shot) fail("--jid runs a device; it does not go with --store, --fetch or --app-attach");

  reload::node::NodeOptions options{identity->configuration.config,
                                    {identity->key, identity->certificate},
                                    identity->node_id,
                                    *listen,
                                    {},
                                    std::random_device{}(),
                                    say,
                                    {},
                                    std::move(*ice)};
  if (args.count("bootstrap")) {
    for (const auto& b : args["bootstrap"].as<std::vector<std::string>>()) {
      auto ep = reload::transport::parse_endpoint(b);
      if (!ep) fail(fmt::format("--bootstrap {}: expected ADDR:PORT", b));
      options.bootstrap.push_back(*ep);
    }
  } else {
    options.bootstrap = reload::api::document_bootstrap(options.configuration);
  }

  asio::io_context io(1);
  // The ICE thread is ours, so that it stops (with everything it would post back) before
  // `io` goes: an ICE session ending after the node left posted into a freed io_context.
  auto ice_thread = std::make_shared<reload::transport::IceExecutor>();
  options.ice.executor = ice_thread;
  auto node = reload::node::OverlayNode::create(io.get_executor(), std::move(options));
  if (!node) fail(fmt::format("cannot start the node: {}", node.error().message()));
  // A one-shot run alone in an overlay of its own would store into nothing.
  const bool may_create = args.count("create") || (!args.count("bootstrap") && !one_shot);
  if (auto ec = (*node)->start(may_create))
    fail(fmt::format("cannot listen on {}: {}", args["listen"].as<std::string>(), ec.message()));

  reload::tools::serve_app_echo(**node, io.get_executor(), app_probe->echo);
  std::shared_ptr<reload::tools::XmppMode> xmpp_mode;
  if (*xmpp_flags)
    xmpp_mode = reload::tools::start_xmpp_mode(*node, io.get_executor(), identity->certificate, **xmpp_flags, say);

  reload::tools::StatusFile status(req.state_dir / "status", **node);
  asio::steady_timer status_timer(io);
  std::function<void()> write_status = [&] {
    status.write();
    status_timer.expires_after(std::chrono::milliseconds(500));
    status_timer.async_wait([&](boost::system::error_code ec) {
      if (!ec) write_status();
    });
  };
  write_status();

  int exit_code = 0;
  bool leaving = false;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  reload::tools::RingSettleWatch settle(io.get_executor(), *node);
  // Every way out: the failure (one line on stderr, exit 1) or none, then Leave.
  auto finish = [&](std::optional<std::string> failure) {
    if (leaving) return;
    leaving = true;
    if (failure) {
      std::fprintf(stderr, "reload-node: %s\n", failure->c_str());
      exit_code = 1;
    }
    settle.cancel();
    signals.cancel();
    auto leave = [&] {
      (*node)->leave([&] {
        status_timer.cancel();
        status.write_stopped();
        io.stop();
      });
    };
    // An XMPP device removes its location while the node is still in the overlay.
    if (xmpp_mode) xmpp_mode->stop(leave);
    else leave();
  };
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (ec) return;
    finish(one_shot ? std::optional<std::string>("interrupted before the operations finished")
                    : std::nullopt);
  });
  if (one_shot) {
    settle.start(settle_quiet, join_deadline, [&](bool joined) {
      if (!joined)
        return finish(fmt::format("did not join the overlay within {} s (is a bootstrap peer running?)",
                                  join_deadline.count()));
      auto print = [](const std::string& line) {
        std::printf("%s\n", line.c_str());
        std::fflush(stdout);
      };
      if (app_probe->attach_to) return reload::tools::run_app_attach(**node, io.get_executor(), *app_probe, print, finish);
      reload::tools::run_storage(*node, std::move(*operations), print, finish);
    });
  }
  io.run();
  ice_thread->stop();
  say(fmt::format("{} stopped", (*node)->self().hex().substr(0, 8)));
  return exit_code;
}
