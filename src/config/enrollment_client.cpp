#include "config/enrollment_client.hpp"

#include <fstream>
#include <random>
#include <sstream>

#include <fmt/format.h>

#include "config/https_client.hpp"
#include "config/multipart.hpp"
#include "config/selection.hpp"
#include "crypto/issuance.hpp"
#include "crypto/trust_store.hpp"

namespace reload::config {

namespace fs = std::filesystem;
using Failed = std::string;

namespace {

boost::system::result<SignedConfiguration, Failed> verified_configuration(const OverlayDocument& doc) {
  if (doc.configurations.empty()) return Failed("the document holds no configuration");
  const auto& first = doc.configurations.front();
  SelectOptions opts;
  opts.verify_signatures = !first.signatures.empty();
  auto sc = select_configuration(doc, first.config.instance_name, opts);
  if (!sc) return sc.error().to_string();
  return *sc;
}

std::string random_boundary() {
  std::random_device rd;
  return fmt::format("reload-{:016x}{:08x}", (std::uint64_t{rd()} << 32) | rd(), rd());
}

}  // namespace

bool has_node_state(const fs::path& dir) {
  return fs::exists(dir / state_document) && fs::exists(dir / state_key) && fs::exists(dir / state_certificate);
}

boost::system::result<void, Failed> save_node_state(const fs::path& dir, std::string_view document,
                                                    const crypto::PrivateKey& key,
                                                    const crypto::Certificate& certificate) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fmt::format("state directory {}: {}", dir.string(), ec.message());
  if (auto e = key.save(dir / state_key)) return fmt::format("saving the key: {}", e.message());
  if (auto e = certificate.save_pem(dir / state_certificate)) return fmt::format("saving the certificate: {}", e.message());
  auto tmp = dir / (std::string(state_document) + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << document;
    if (!out) return fmt::format("saving the configuration document in {}", dir.string());
  }
  fs::rename(tmp, dir / state_document, ec);
  if (ec) return fmt::format("saving the configuration document: {}", ec.message());
  return {};
}

boost::system::result<NodeState, Failed> load_node_state(const fs::path& dir) {
  auto doc = read_overlay_document(dir / state_document);
  if (!doc) return "state directory: " + doc.error().to_string();
  auto sc = verified_configuration(*doc);
  if (!sc) return "state directory: " + sc.error();
  auto key = crypto::PrivateKey::load(dir / state_key);
  if (!key) return fmt::format("state directory: {}: {}", (dir / state_key).string(), key.error().message());
  auto cert = crypto::Certificate::load(dir / state_certificate);
  if (!cert) return fmt::format("state directory: {}: {}", (dir / state_certificate).string(), cert.error().message());
  auto ids = cert->node_ids(sc->config.instance_name);
  if (ids.empty()) return fmt::format("state directory: the certificate has no Node-ID of {}", sc->config.instance_name);
  if (auto ec = crypto::TrustStore(sc->config.trust_policy()).verify(*cert))
    return fmt::format("state directory: the certificate is not valid in {}: {}", sc->config.instance_name, ec.message());
  return NodeState{std::move(*sc), std::move(*key), std::move(*cert), std::move(ids)};
}

boost::system::result<NodeState, Failed> enroll(const EnrollmentRequest& req) {
  // 1. The configuration document (section 11.2).
  auto config_url = parse_https_url(req.config_url);
  if (!config_url) return fmt::format("fetching the configuration: {} is not an https:// URL", req.config_url);
  auto got = https_exchange(*config_url, HttpsRequest{"GET", {}, {}, "application/p2p-overlay+xml"}, req.ca_file);
  if (!got) return "fetching the configuration: " + got.error();
  if (got->status != 200)
    return fmt::format("fetching the configuration: {} answered {}", req.config_url, got->status);
  if (!got->content_type.starts_with("application/p2p-overlay+xml"))
    return fmt::format("fetching the configuration: content type {} is not application/p2p-overlay+xml",
                       got->content_type);
  auto doc = parse_overlay_document(got->body, req.config_url);
  if (!doc) return "verifying the configuration: " + doc.error().to_string();
  if (doc->configurations.empty() || doc->configurations.front().signatures.empty())
    return std::string("verifying the configuration: the served document is not signed");
  auto sc = verified_configuration(*doc);
  if (!sc) return "verifying the configuration: " + sc.error();
  const Configuration& c = sc->config;
  if (c.enrollment_servers.empty()) return std::string("enrolling: the overlay names no enrollment-server");

  // 2. A key and a request (section 11.3).
  auto key = crypto::PrivateKey::generate(req.key_type);
  if (!key) return "making a key: " + key.error().message();
  auto csr = crypto::make_certificate_request(*key, req.username);
  if (!csr) return "making the certificate request: " + csr.error().message();
  std::vector<FormPart> parts{
      {"username", {}, {}, req.username},
      {"password", {}, {}, req.password},
      {"nodeids", {}, {}, std::to_string(req.node_ids)},
      {"csr", "application/pkcs10", std::string("csr.der"), std::string(csr->begin(), csr->end())}};
  auto form = encode_form(parts, random_boundary());
  auto enroll_url = parse_https_url(c.enrollment_servers.front());
  if (!enroll_url) return fmt::format("enrolling: {} is not an https:// URL", c.enrollment_servers.front());
  auto answer = https_exchange(*enroll_url, HttpsRequest{"POST", form.content_type, form.body, "application/pkix-cert"},
                               req.ca_file);
  if (!answer) return "enrolling: " + answer.error();
  if (answer->status == 403) {
    std::string token = answer->body.substr(0, answer->body.find_first_of("\r\n"));
    return fmt::format("enrolling: 403 {}", token.empty() ? "(no reason)" : token);
  }
  if (answer->status != 200) return fmt::format("enrolling: the server answered {}", answer->status);
  if (!answer->content_type.starts_with("application/pkix-cert"))
    return fmt::format("enrolling: content type {} is not application/pkix-cert", answer->content_type);

  // 3. The certificate must chain to a root-cert and name what we asked for.
  auto cert = crypto::Certificate::from_der(wire::as_bytes(answer->body));
  if (!cert) return "enrolling: the answer is not a certificate";
  if (auto ec = crypto::TrustStore(c.trust_policy()).verify(*cert))
    return fmt::format("enrolling: the certificate is not valid in {}: {}", c.instance_name, ec.message());
  auto ids = cert->node_ids(c.instance_name);
  if (ids.size() != req.node_ids)
    return fmt::format("enrolling: asked for {} Node-IDs, the certificate has {}", req.node_ids, ids.size());
  if (!wire::equal_bytes(cert->public_key_der(), key->public_key_der()))
    return std::string("enrolling: the certificate is not for our key");
  if (cert->user_names().size() != 1) return std::string("enrolling: the certificate has no single user name");
  if (req.expected_xmpp_address) {
    const auto& x = cert->xmpp_addresses();
    if (std::find(x.begin(), x.end(), *req.expected_xmpp_address) == x.end())
      return fmt::format("enrolling: the certificate does not carry the XMPP address {}", *req.expected_xmpp_address);
  }
  if (auto saved = save_node_state(req.state_dir, got->body, *key, *cert); !saved) return saved.error();
  return NodeState{std::move(*sc), std::move(*key), std::move(*cert), std::move(ids)};
}

}  // namespace reload::config
