// reload-enroll-server: the enrollment and configuration server of a test overlay (RFC 6940
// sections 11.2 and 11.3) on HTTPS. See enrollment_service.hpp for what it answers and
// docs/enrollment.md for how to run a local overlay with it.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cxxopts.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <openssl/ssl.h>

#include "config/document_signer.hpp"
#include "config/overlay_document.hpp"
#include "crypto/issuance.hpp"
#include "enrollment_service.hpp"
#include "https_server.hpp"

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
  std::printf("%s %s\n", fmt::format("{:%H:%M:%S}", now).c_str(), line.c_str());
  std::fflush(stdout);
}

std::optional<asio::ip::tcp::endpoint> parse_endpoint(std::string_view s) {
  auto colon = s.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string host(s.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  for (char c : s.substr(colon + 1)) {
    if (c < '0' || c > '9' || (port = port * 10 + static_cast<unsigned>(c - '0')) > 65535) return std::nullopt;
  }
  if (colon + 1 == s.size()) return std::nullopt;
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec) return std::nullopt;
  return asio::ip::tcp::endpoint(addr, static_cast<std::uint16_t>(port));
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) fail(fmt::format("cannot read {}", p.string()));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

crypto::CertificateAuthority load_or_create_ca(const fs::path& dir, const std::string& overlay) {
  if (fs::exists(dir / "ca.key") || fs::exists(dir / "ca.crt")) {
    auto ca = crypto::CertificateAuthority::load(dir);
    if (!ca) fail(fmt::format("{}: the CA cannot be loaded: {}", dir.string(), ca.error().message()));
    return std::move(*ca);
  }
  auto ca = crypto::CertificateAuthority::create(fmt::format("reload test CA for {}", overlay),
                                                 crypto::KeyType::ecdsa_p256, std::chrono::hours(24 * 3650));
  if (!ca) fail("cannot create a CA: " + ca.error().message());
  if (auto ec = ca->save(dir)) fail(fmt::format("{}: cannot save the CA: {}", dir.string(), ec.message()));
  say(fmt::format("created a CA in {}", dir.string()));
  return std::move(*ca);
}

// A key and a certificate issued by the CA, kept in `dir` as NAME.key / NAME.crt.
std::pair<crypto::PrivateKey, crypto::Certificate> load_or_issue(const fs::path& dir, const std::string& name,
                                                                 const crypto::CertificateAuthority& ca,
                                                                 const crypto::Identity& who, bool keep) {
  if (keep && fs::exists(dir / (name + ".key")) && fs::exists(dir / (name + ".crt"))) {
    auto key = crypto::PrivateKey::load(dir / (name + ".key"));
    auto cert = crypto::Certificate::load(dir / (name + ".crt"));
    if (key && cert) return {std::move(*key), std::move(*cert)};
  }
  auto key = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256);
  if (!key) fail("cannot make a key: " + key.error().message());
  auto csr = crypto::CertificateRequest::parse(crypto::make_certificate_request(*key, "").value());
  auto cert = ca.issue(csr.value(), who, std::chrono::hours(24 * 365));
  if (!cert) fail("cannot issue a certificate: " + cert.error().message());
  if (keep) {
    if (auto ec = key->save(dir / (name + ".key"))) fail(ec.message());
    if (auto ec = cert->save_pem(dir / (name + ".crt"))) fail(ec.message());
  }
  return {std::move(*key), std::move(*cert)};
}

}  // namespace

int main(int argc, char** argv) {
  cxxopts::Options opts("reload-enroll-server",
                        "Enrollment and configuration server of a RELOAD test overlay (RFC 6940 section 11).\n"
                        "  run:      reload-enroll-server --config FILE --listen ADDR:PORT --users FILE --ca-dir DIR\n"
                        "  add user: reload-enroll-server --users FILE --add-user NAME --password PW [--xmpp-address JID]");
  opts.add_options()
    ("config", "overlay configuration template (unsigned); the server adds root-cert and signatures",
     cxxopts::value<std::string>())
    ("listen", "ADDR:PORT for HTTPS (port 0: any free port)", cxxopts::value<std::string>())
    ("users", "users file (NAME<TAB>HASH[<TAB>JID])", cxxopts::value<std::string>())
    ("ca-dir", "CA key and certificate, issued Node-IDs, the signer's key; created when absent",
     cxxopts::value<std::string>())
    ("max-node-ids", "most Node-IDs one request may ask for", cxxopts::value<std::size_t>()->default_value("4"))
    ("add-user", "add a user to --users and exit", cxxopts::value<std::string>())
    ("password", "the new user's password (with --add-user)", cxxopts::value<std::string>())
    ("xmpp-address", "the new user's bare JID, written into certificates as id-on-xmppAddr",
     cxxopts::value<std::string>())
    ("h,help", "this text");
  cxxopts::ParseResult args;
  try {
    args = opts.parse(argc, argv);
  } catch (const std::exception& e) {
    fail(e.what());
  }
  if (args.count("help")) {
    std::cout << opts.help() << "\n";
    return 0;
  }
  if (!args.count("users")) fail("--users is required");
  const fs::path users_file = args["users"].as<std::string>();
  auto users = enroll::UserDb::load(users_file);
  if (!users) fail(users.error());

  if (args.count("add-user")) {
    if (!args.count("password")) fail("--add-user needs --password");
    std::optional<std::string> jid;
    if (args.count("xmpp-address")) jid = args["xmpp-address"].as<std::string>();
    auto name = args["add-user"].as<std::string>();
    if (auto added = users->add(name, args["password"].as<std::string>(), jid); !added) fail(added.error());
    std::printf("added user %s to %s\n", name.c_str(), users_file.c_str());
    return 0;
  }
  for (const char* required : {"config", "listen", "ca-dir"})
    if (!args.count(required)) fail(fmt::format("--{} is required", required));
  auto listen = parse_endpoint(args["listen"].as<std::string>());
  if (!listen) fail(fmt::format("--listen {}: expected ADDR:PORT", args["listen"].as<std::string>()));
  const fs::path ca_dir = args["ca-dir"].as<std::string>();
  const std::string config_file = args["config"].as<std::string>();

  std::string template_text = read_text(config_file);
  auto parsed = config::parse_overlay_document(template_text, config_file);
  if (!parsed) fail(parsed.error().to_string());
  if (parsed->configurations.empty()) fail(config_file + ": no configuration");
  const auto& first = parsed->configurations.front().config;
  const std::string overlay = first.instance_name;

  auto ca = load_or_create_ca(ca_dir, overlay);
  auto registry = enroll::NodeIdRegistry::load(ca_dir / "issued-node-ids", first.node_id_length);
  if (!registry) fail(registry.error());

  // The configuration signer: a Node-ID of its own (never a user's), issued by the CA.
  // '~' cannot start a user name, so the registry keeps it apart from users.
  auto signer_id = registry->assign("~configuration-signer", 1);
  if (!signer_id) fail(signer_id.error());
  crypto::Identity signer_who;
  signer_who.node_ids = *signer_id;
  signer_who.overlay = overlay;
  signer_who.user_name = "configuration-signer@" + overlay;
  auto [signer_key, signer_cert] = load_or_issue(ca_dir, "signer", ca, signer_who, true);
  config::SigningKey signing{signer_key, signer_cert, signer_id->front(), {}};
  std::vector<crypto::Certificate> roots{ca.certificate()};
  auto document = config::sign_overlay_document(template_text, config_file, signing, roots);
  if (!document) fail(document.error().to_string());

  // The HTTPS certificate names the overlay (RFC 6940 section 11.3) and the listen address.
  crypto::Identity https_who;
  https_who.overlay = overlay;
  https_who.dns_names = {overlay, "localhost"};
  https_who.ip_addresses = {listen->address().to_string()};
  auto [https_key, https_cert] = load_or_issue(ca_dir, "https", ca, https_who, false);
  asio::ssl::context tls(asio::ssl::context::tls_server);
  SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
  if (SSL_CTX_use_certificate(tls.native_handle(), https_cert.native()) != 1 ||
      SSL_CTX_use_PrivateKey(tls.native_handle(), https_key.native()) != 1)
    fail("cannot set up TLS");

  enroll::ServiceSettings settings{overlay, args["max-node-ids"].as<std::size_t>(), std::chrono::hours(24 * 365)};
  enroll::EnrollmentService service(settings, std::move(*document), ca, std::move(*users), std::move(*registry));

  asio::io_context io(1);
  enroll::HttpsServer server(io.get_executor(), tls, service, say);
  if (auto ec = server.listen(*listen)) fail(fmt::format("cannot listen on {}: {}", args["listen"].as<std::string>(), ec.message()));
  server.start();
  auto ep = server.local_endpoint();
  say(fmt::format("overlay {}; CA {}", overlay, (ca_dir / "ca.crt").string()));
  std::string host = ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
  std::printf("listening on https://%s:%u\n", host.c_str(), static_cast<unsigned>(ep.port()));
  std::fflush(stdout);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code, int) {
    server.stop();
    io.stop();
  });
  io.run();
  say("stopped");
  return 0;
}
