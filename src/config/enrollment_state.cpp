#include "config/enrollment_state.hpp"

#include <fmt/format.h>

#include "config/selection.hpp"
#include "crypto/atomic_file.hpp"
#include "crypto/trust_store.hpp"

namespace reload::config {

namespace fs = std::filesystem;
using Failed = std::string;

bool has_node_state(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / state_document, ec) && fs::is_regular_file(dir / state_key, ec) &&
         fs::is_regular_file(dir / state_certificate, ec);
}

boost::system::result<void, Failed> save_node_state(const fs::path& dir, std::string_view document,
                                                    const crypto::PrivateKey& key,
                                                    const crypto::Certificate& certificate) {
  const std::string where = fmt::format("state directory {}", dir.string());
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fmt::format("{}: {}", where, ec.message());
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return fmt::format("{}: {}", where, ec.message());
  if (auto e = key.save(dir / state_key)) return fmt::format("{}: saving the key: {}", where, e.message());
  if (auto e = certificate.save_pem(dir / state_certificate))
    return fmt::format("{}: saving the certificate: {}", where, e.message());
  if (auto e = crypto::write_file_atomically(dir / state_document, document, 0644))
    return fmt::format("{}: saving the configuration document: {}", where, e.message());
  return {};
}

namespace {

// The checks both ways of loading share: the document's first configuration selected
// (signatures verified when it carries them), the key the certificate's, a Node-ID of the
// overlay, the certificate valid under the overlay's roots.
boost::system::result<NodeState, Failed> node_state_of(const std::string& where,
                                                       boost::system::result<OverlayDocument, ConfigError> doc,
                                                       boost::system::result<crypto::PrivateKey> key,
                                                       boost::system::result<crypto::Certificate> cert) {
  if (!doc) return fmt::format("{}: {}", where, doc.error().to_string());
  if (doc->configurations.empty()) return fmt::format("{}: the document holds no configuration", where);
  const auto& first = doc->configurations.front();
  SelectOptions opts;
  opts.verify_signatures = !first.signatures.empty();
  auto sc = select_configuration(*doc, first.config.instance_name, opts);
  if (!sc) return fmt::format("{}: {}", where, sc.error().to_string());

  if (!key) return fmt::format("{}: {}: {}", where, state_key, key.error().message());
  if (!cert) return fmt::format("{}: {}: {}", where, state_certificate, cert.error().message());
  if (!wire::equal_bytes(cert->public_key_der(), key->public_key_der()))
    return fmt::format("{}: {} is not the certificate of {}", where, state_key, state_certificate);
  const std::string& overlay = sc->config.instance_name;
  auto ids = cert->node_ids(overlay);
  if (ids.empty()) return fmt::format("{}: the certificate has no Node-ID of {}", where, overlay);
  if (auto ec = crypto::TrustStore(sc->config.trust_policy()).verify(*cert))
    return fmt::format("{}: the certificate is not valid in {}: {}", where, overlay, ec.message());
  return NodeState{std::move(*sc), std::move(*key), std::move(*cert), std::move(ids), false};
}

}  // namespace

boost::system::result<NodeState, Failed> load_node_state(const fs::path& dir) {
  return node_state_of(fmt::format("state directory {}", dir.string()), read_overlay_document(dir / state_document),
                       crypto::PrivateKey::load(dir / state_key), crypto::Certificate::load(dir / state_certificate));
}

boost::system::result<NodeState, Failed> node_state_from_text(std::string_view document, std::string_view key_pem,
                                                              std::string_view certificate_pem) {
  return node_state_of("the identity given", parse_overlay_document(document, "the configuration document"),
                       crypto::PrivateKey::from_pem(key_pem), crypto::Certificate::from_pem(certificate_pem));
}

}  // namespace reload::config
