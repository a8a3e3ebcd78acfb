#include "api/identity.hpp"

#include <fmt/format.h>

#include "config/enrollment_client.hpp"
#include "config/https_client.hpp"
#include "config/selection.hpp"
#include "crypto/issuance.hpp"
#include "reload/file_io.hpp"
#include "transport/endpoint.hpp"

namespace reload::api {

namespace fs = std::filesystem;
using Result = boost::system::result<NodeIdentity, std::string>;

namespace {

bool is_url(std::string_view s) { return s.starts_with("https://"); }

std::string read_text(const fs::path& p) {
  auto text = read_file(p);
  return text ? std::move(*text) : std::string();
}

NodeIdentity from_state(config::NodeState st, bool fresh) {
  auto id = st.node_ids.front();
  return NodeIdentity{std::move(st.configuration), std::move(st.key), std::move(st.certificate), id, fresh};
}

// The enrollment server serves the document it signed next to its enrollment URL
// (section 11.2's well-known path on the same host).
std::string document_url_of(std::string_view enrollment_url) {
  auto u = config::parse_https_url(enrollment_url);
  if (!u) return std::string(enrollment_url);
  std::string host = u->host.find(':') != std::string::npos ? "[" + u->host + "]" : u->host;
  return fmt::format("https://{}:{}/.well-known/reload-config", host, u->port);
}

Result enroll_at(const IdentityRequest& req, const std::string& document_url,
                 const std::function<void(const std::string&)>& progress) {
  if (!req.user || !req.password)
    return fmt::format("enrolling at {} needs --user and --password-file", document_url);
  progress(fmt::format("enrolling as {} at {}", *req.user, document_url));
  config::EnrollmentRequest e;
  e.config_url = document_url;
  e.ca_file = req.ca_file;
  e.username = *req.user;
  e.password = *req.password;
  e.state_dir = req.state_dir;
  auto st = config::enroll(e);
  if (!st) return st.error();
  progress(fmt::format("enrolled: Node-ID {}", st->node_ids.front().hex()));
  return from_state(std::move(*st), true);
}

Result make_self_signed_identity(const IdentityRequest& req, config::SignedConfiguration sc,
                                 const std::string& document_text,
                                 const std::function<void(const std::string&)>& progress) {
  const auto& c = sc.config;
  auto key = crypto::PrivateKey::generate(crypto::KeyType::ecdsa_p256);
  if (!key) return "making a key: " + key.error().message();
  crypto::Identity who;
  who.overlay = c.instance_name;
  who.user_name = req.user.value_or("anonymous@" + c.instance_name);
  auto cert = crypto::make_self_signed(*key, who, c.self_signed_digest, c.node_id_length, 1,
                                       std::chrono::hours(24 * 365));
  if (!cert) return "making a self-signed certificate: " + cert.error().message();
  auto ids = cert->node_ids(c.instance_name);
  if (ids.empty()) return std::string("the self-signed certificate carries no Node-ID");
  if (auto saved = config::save_node_state(req.state_dir, document_text, *key, *cert); !saved) return saved.error();
  progress(fmt::format("made a self-signed identity, Node-ID {}", ids.front().hex()));
  return NodeIdentity{std::move(sc), std::move(*key), std::move(*cert), ids.front(), true};
}

}  // namespace

Result load_or_make_identity(const IdentityRequest& req,
                             const std::function<void(const std::string&)>& progress) {
  if (config::has_node_state(req.state_dir)) {
    auto st = config::load_node_state(req.state_dir);
    if (!st) return st.error();
    return from_state(std::move(*st), false);
  }
  if (is_url(req.config)) return enroll_at(req, req.config, progress);

  auto text = read_text(req.config);
  if (text.empty()) return fmt::format("{}: cannot be read", req.config);
  auto doc = config::parse_overlay_document(text, req.config);
  if (!doc) return doc.error().to_string();
  if (doc->configurations.empty()) return fmt::format("{}: no configuration", req.config);
  const auto& c = doc->configurations.front().config;
  if (!c.enrollment_servers.empty()) return enroll_at(req, document_url_of(c.enrollment_servers.front()), progress);
  if (!c.self_signed_permitted)
    return fmt::format("{}: the overlay has no enrollment-server and does not permit self-signed certificates",
                       req.config);
  // An operator's local file: unsigned is accepted, signed is verified.
  config::SelectOptions opts;
  opts.verify_signatures = !doc->configurations.front().signatures.empty();
  auto sc = config::select_configuration(*doc, c.instance_name, opts);
  if (!sc) return sc.error().to_string();
  return make_self_signed_identity(req, std::move(*sc), text, progress);
}

Result identity_from_text(std::string_view document, std::string_view key_pem, std::string_view certificate_pem) {
  auto st = config::node_state_from_text(document, key_pem, certificate_pem);
  if (!st) return st.error();
  return from_state(std::move(*st), false);
}

std::vector<boost::asio::ip::tcp::endpoint> document_bootstrap(const config::Configuration& configuration) {
  std::vector<boost::asio::ip::tcp::endpoint> out;
  for (const auto& b : configuration.bootstrap_nodes) {
    // The parser accepted only IP literals, so every entry converts.
    if (auto a = wire::ip_address_port_from(b.address, b.port))
      if (auto ep = transport::to_endpoint(*a)) out.push_back(*ep);
  }
  return out;
}

}  // namespace reload::api
