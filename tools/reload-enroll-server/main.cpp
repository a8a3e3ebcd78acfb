// reload-enroll-server: the configuration and enrollment server of a RELOAD overlay (RFC 6940
// sections 11.2 and 11.3) on HTTPS, for test rigs and small deployments.
//
//   reload-enroll-server --config FILE --listen ADDR:PORT --users FILE --ca-dir DIR
//   reload-enroll-server --users FILE --add-user NAME --password PW [--xmpp-address JID]
//
// What it answers: enrollment_service.hpp. The users file: user_db.hpp. The CA directory:
// server_identity.hpp. The served document: the --config template with the server's URL
// (config_template.hpp), its CA as root-cert and signed by its configuration signer
// (src/config document_signer.hpp).
//
// Output: stdout carries exactly one line, "listening on https://ADDR:PORT", flushed as soon
// as the server accepts connections (test rigs read it); logs go to stderr, one line each.
// SIGINT and SIGTERM stop it with exit status 0. A failed start prints one line saying what
// failed and why, and exits 1.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cxxopts.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "config/document_signer.hpp"
#include "config/enrollment_tls.hpp"
#include "config/overlay_document.hpp"
#include "config_template.hpp"
#include "enrollment_service.hpp"
#include "https_server.hpp"
#include "password_hash.hpp"
#include "server_identity.hpp"
#include "transport/endpoint.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace reload;

namespace {

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "reload-enroll-server: %s\n", what.c_str());
  std::exit(1);
}

void say(const std::string& line) {
  auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  std::fprintf(stderr, "%s %s\n", fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", now).c_str(), line.c_str());
  std::fflush(stderr);
}

std::string url_host(const asio::ip::address& a) { return a.is_v6() ? "[" + a.to_string() + "]" : a.to_string(); }

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) fail(fmt::format("{}: cannot be read", p.string()));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

template <class T>
T value_or_fail(boost::system::result<T, std::string> r) {
  if (!r) fail(r.error());
  if constexpr (!std::is_void_v<T>) return std::move(*r);
}

const char* const help_epilogue = R"(
Run the server:
  reload-enroll-server --config FILE --listen ADDR:PORT --users FILE --ca-dir DIR
    Serves GET /.well-known/reload-config (the signed document, application/p2p-overlay+xml)
    and enrolls at POST /enroll and POST / (RFC 6940 section 11.3: multipart/form-data with
    username, password, nodeids, csr; Accept must list application/pkix-cert; 200 DER
    certificate, 403 failed_authentication | username_not_available |
    Node-IDs_not_available | bad_CSR, 400 for malformed forms, 406 without the Accept).
    --config is an unsigned template (overlay-config/); the server puts its own URL in
    <enrollment-server>, its CA in <root-cert>, and signs it. Port 0 picks a free port.
    Prints "listening on https://ADDR:PORT" on stdout when ready; logs go to stderr.
    The certificate's rfc822Name is the username if it holds an '@', else
    username@<instance-name>. SIGINT/SIGTERM stop it (exit 0).
    Against hostile clients: connections over --max-connections or over one address's
    --max-connections-per-address are closed at accept; idle ones after --idle-timeout;
    logins get 503 beyond --max-pending-logins password checks and 429 from an address
    past --failed-logins-per-minute, both with Retry-After. Refusals are logged at most
    once a second.

Add a user (refuses a duplicate), then exit:
  reload-enroll-server --users FILE --add-user NAME --password PW [--xmpp-address JID]
    The users file: one user per line, "NAME PASSWORD-HASH [XMPP-ADDRESS]", '#' comments;
    hashes are PBKDF2-HMAC-SHA256 (pbkdf2-sha256$ITERATIONS$SALT$KEY, base64). The XMPP
    address is a bare JID written as given (no RFC 7622 preparation yet). A running server
    reads the file again when it changes.

The CA directory holds ca.key/ca.crt (created on first start), signer.key/signer.crt (the
configuration signer), issued-node-ids (Node-IDs per user; a returning user gets the same
ones) and a lock file.
)";

int add_user(const cxxopts::ParseResult& args) {
  const fs::path users_file = args["users"].as<std::string>();
  std::string password;
  if (args.count("password")) password = args["password"].as<std::string>();
  else if (args.count("password-file")) {
    password = read_text(args["password-file"].as<std::string>());
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
  } else
    fail("--add-user needs --password or --password-file");
  std::optional<std::string> jid;
  if (args.count("xmpp-address")) jid = args["xmpp-address"].as<std::string>();
  const auto name = args["add-user"].as<std::string>();
  value_or_fail(enroll::UserDb::add(users_file, name, password, jid, args["iterations"].as<unsigned>()));
  std::printf("added user %s to %s\n", name.c_str(), users_file.c_str());
  return 0;
}

int serve(const cxxopts::ParseResult& args) {
  for (const char* required : {"config", "listen", "users", "ca-dir"})
    if (!args.count(required)) fail(fmt::format("--{} is required (see --help)", required));
  const std::string listen_arg = args["listen"].as<std::string>();
  auto listen = reload::transport::parse_endpoint(listen_arg);
  if (!listen) fail(fmt::format("--listen {}: expected ADDR:PORT with a numeric address", listen_arg));
  const fs::path ca_dir = args["ca-dir"].as<std::string>();
  const std::string config_file = args["config"].as<std::string>();
  const std::size_t max_node_ids = args["max-node-ids"].as<std::size_t>();
  if (max_node_ids < 1 || max_node_ids > 64) fail("--max-node-ids must be 1 to 64");
  if (listen->address().is_unspecified() && !args.count("public-url"))
    fail(fmt::format("--listen {}: an unspecified address needs --public-url for the document", listen_arg));

  const std::string template_text = read_text(config_file);
  auto parsed = config::parse_overlay_document(template_text, config_file);
  if (!parsed) fail(parsed.error().to_string());
  if (parsed->configurations.empty()) fail(config_file + ": no configuration");
  const auto& first = parsed->configurations.front().config;
  const std::string overlay = first.instance_name;

  auto users = value_or_fail(enroll::UserFile::open(args["users"].as<std::string>()));
  if (users.current().db->size() == 0) say("the users file holds no user yet: add some with --add-user");

  value_or_fail(enroll::lock_ca_dir(ca_dir));
  auto ca = value_or_fail(enroll::load_or_create_ca(ca_dir, overlay, say));
  auto registry = value_or_fail(enroll::NodeIdRegistry::load(ca_dir / "issued-node-ids", first.node_id_length));
  auto signer = value_or_fail(enroll::load_or_issue_signer(ca_dir, ca, overlay, registry, say));

  asio::io_context io(1);
  auto acceptor = enroll::open_listener(io.get_executor(), *listen);
  if (!acceptor) fail(fmt::format("cannot listen on {}: {}", listen_arg, acceptor.error().message()));
  const auto bound = acceptor->local_endpoint();
  const std::string base = fmt::format("https://{}:{}", url_host(bound.address()), bound.port());
  const std::string enroll_url = args.count("public-url") ? args["public-url"].as<std::string>() : base + "/enroll";

  // The document: our URL, our CA, our signature.
  auto filled = enroll::set_enrollment_server(template_text, config_file, enroll_url);
  if (!filled) fail(filled.error().to_string());
  std::vector<crypto::Certificate> roots{ca.certificate()};
  auto document = config::sign_overlay_document(*filled, config_file, signer, roots);
  if (!document) fail(document.error().to_string());

  auto https = value_or_fail(enroll::issue_https_identity(ca, overlay, listen->address().to_string()));
  auto tls = value_or_fail(config::make_https_server_context(https.key, https.certificate));

  enroll::ServiceSettings settings{overlay, max_node_ids, std::chrono::hours(24 * args["validity-days"].as<unsigned>())};
  enroll::EnrollmentService service(settings, std::move(*document), ca, std::move(users), std::move(registry), say);
  asio::thread_pool workers(2);
  enroll::ServerLimits limits;
  limits.io_timeout = std::chrono::milliseconds(static_cast<long>(args["io-timeout"].as<double>() * 1000));
  limits.idle_timeout = std::chrono::milliseconds(static_cast<long>(args["idle-timeout"].as<double>() * 1000));
  limits.max_connections = args["max-connections"].as<std::size_t>();
  limits.max_connections_per_address = args["max-connections-per-address"].as<std::size_t>();
  limits.logins.max_pending = args["max-pending-logins"].as<std::size_t>();
  limits.logins.failures_per_minute = args["failed-logins-per-minute"].as<double>();
  limits.logins.burst = std::max(1.0, limits.logins.failures_per_minute);
  if (limits.io_timeout.count() < 100 || limits.idle_timeout.count() < 100)
    fail("--io-timeout and --idle-timeout must be at least 0.1 s");
  if (limits.max_connections < 1 || limits.max_connections_per_address < 1 || limits.logins.max_pending < 1)
    fail("--max-connections, --max-connections-per-address and --max-pending-logins must be at least 1");
  if (!(limits.logins.failures_per_minute >= 0.01)) fail("--failed-logins-per-minute must be at least 0.01");
  enroll::HttpsServer server(std::move(*acceptor), *tls,
                             [&service](const enroll::HttpRequest& r) { return service.handle(r); }, workers, say,
                             limits);
  server.start();
  say(fmt::format("overlay {}: document at {}/.well-known/reload-config, enrollment at {}, CA {}", overlay, base,
                  enroll_url, (ca_dir / "ca.crt").string()));
  std::printf("listening on %s\n", base.c_str());
  std::fflush(stdout);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code, int signal) {
    say(fmt::format("signal {}: stopping", signal));
    server.stop();
    io.stop();
  });
  io.run();
  workers.stop();
  workers.join();
  say("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  cxxopts::Options opts("reload-enroll-server",
                        "The configuration and enrollment server of a RELOAD overlay (RFC 6940 sections 11.2, 11.3).");
  opts.custom_help("[options]");
  opts.add_options()
    ("config", "the overlay configuration template (unsigned)", cxxopts::value<std::string>())
    ("listen", "ADDR:PORT to serve HTTPS on ([v6]:PORT for IPv6; port 0: a free port)", cxxopts::value<std::string>())
    ("users", "the users file", cxxopts::value<std::string>())
    ("ca-dir", "the CA directory (created with a new CA when absent)", cxxopts::value<std::string>())
    ("public-url", "the enrollment URL written into the document (default https://ADDR:PORT/enroll)",
     cxxopts::value<std::string>())
    ("max-node-ids", "the most Node-IDs one request may ask for", cxxopts::value<std::size_t>()->default_value("4"))
    ("validity-days", "validity of issued certificates", cxxopts::value<unsigned>()->default_value("365"))
    ("io-timeout", "seconds a client has for the TLS handshake, for each request (from when the server is ready "
     "for it) and for each response", cxxopts::value<double>()->default_value("10"))
    ("idle-timeout", "seconds a connection may wait before it starts a request (first or next); then it is closed",
     cxxopts::value<double>()->default_value("5"))
    ("max-connections", "connections served at once; more are closed", cxxopts::value<std::size_t>()->default_value("64"))
    ("max-connections-per-address", "connections served at once from one address (IPv6: one /64); more are closed",
     cxxopts::value<std::size_t>()->default_value("8"))
    ("max-pending-logins", "password checks queued or running at once; more are answered 503 with Retry-After",
     cxxopts::value<std::size_t>()->default_value("16"))
    ("failed-logins-per-minute", "failed password checks one address may cause per minute, after a burst of as many; "
     "then its logins are answered 429 with Retry-After", cxxopts::value<double>()->default_value("10"))
    ("add-user", "add user NAME to --users and exit", cxxopts::value<std::string>())
    ("password", "the new user's password (with --add-user)", cxxopts::value<std::string>())
    ("password-file", "read the new user's password from a file (first line)", cxxopts::value<std::string>())
    ("xmpp-address", "the new user's bare JID, written into certificates as id-on-xmppAddr",
     cxxopts::value<std::string>())
    ("iterations", "PBKDF2 iterations for --add-user (100000 to 10000000)",
     cxxopts::value<unsigned>()->default_value(std::to_string(enroll::default_iterations)))
    ("h,help", "this text");
  try {
    auto args = opts.parse(argc, argv);
    if (!args.unmatched().empty()) fail("unexpected argument '" + args.unmatched().front() + "' (see --help)");
    if (args.count("help")) {
      std::cout << opts.help() << help_epilogue;
      return 0;
    }
    if (args.count("add-user")) {
      if (!args.count("users")) fail("--add-user needs --users FILE");
      return add_user(args);
    }
    return serve(args);
  } catch (const std::exception& e) {
    fail(e.what());
  }
}
