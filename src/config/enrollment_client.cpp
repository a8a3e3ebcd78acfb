#include "config/enrollment_client.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "config/https_client.hpp"
#include "config/enrollment_protocol.hpp"
#include "config/enrollment_tls.hpp"
#include "config/multipart.hpp"
#include "config/selection.hpp"
#include "crypto/issuance.hpp"
#include "crypto/trust_store.hpp"
#include "reload/file_io.hpp"

namespace reload::config {

namespace fs = std::filesystem;
namespace proto = enrollment;
using Failed = std::string;

namespace {

// Text from a server, fit for a one-line message: printable ASCII, at most 120 characters.
std::string printable(std::string_view s) {
  s = s.substr(0, s.find_first_of("\r\n"));
  std::string out;
  for (char c : s.substr(0, 120)) out += (c >= ' ' && c < 0x7f) ? c : '?';
  return out;
}

bool media_type_is(std::string_view header, std::string_view type) {
  std::string_view t = header.substr(0, header.find(';'));
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  return t.size() == type.size() && std::equal(t.begin(), t.end(), type.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

// Not aggregates, so that a result<Fetched, std::string> built from a string is an error.
struct Fetched {
  Fetched(std::string t, bool n) : text(std::move(t)), from_network(n) {}
  std::string text;
  bool from_network;
};

struct Der {
  wire::Buffer bytes;
};

boost::system::result<Fetched, Failed> fetch_document(const EnrollmentRequest& req, boost::asio::ssl::context& tls) {
  if (req.config_url.starts_with("https://")) {
    auto url = parse_https_url(req.config_url);
    if (!url) return fmt::format("fetching the configuration: {} is not a usable https:// URL", req.config_url);
    HttpsOptions o;
    o.timeout = req.timeout;
    o.retry = req.retry;
    auto got = https_exchange(*url, {"GET", {}, {}, std::string(proto::config_media_type)}, tls, o);
    if (!got) return "fetching the configuration: " + got.error();
    if (got->status != 200)
      return fmt::format("fetching the configuration: {} answered {} {}", req.config_url, got->status,
                         printable(got->body));
    if (!media_type_is(got->content_type, proto::config_media_type))
      return fmt::format("fetching the configuration: content type '{}' is not {}", printable(got->content_type),
                         proto::config_media_type);
    return Fetched{std::move(got->body), true};
  }
  if (req.config_url.find("://") != std::string::npos)
    return fmt::format("fetching the configuration: {}: only https:// URLs or file paths", req.config_url);
  auto text = read_file(req.config_url);
  if (!text) return fmt::format("fetching the configuration: {} cannot be read", req.config_url);
  return Fetched{std::move(*text), false};
}

boost::system::result<SignedConfiguration, Failed> verify_document(const EnrollmentRequest& req,
                                                                    const Fetched& doc_text) {
  auto doc = parse_overlay_document(doc_text.text, req.config_url);
  if (!doc) return "verifying the configuration: " + doc.error().to_string();
  if (doc->configurations.empty()) return std::string("verifying the configuration: the document holds no configuration");
  const std::string overlay = req.overlay.value_or(doc->configurations.front().config.instance_name);
  SelectOptions opts;
  // A server's document must be signed; the operator's own file is taken as it is when it
  // is not (section 11.2 leaves files to out-of-band trust).
  opts.verify_signatures = doc_text.from_network || !doc->configurations.front().signatures.empty();
  auto sc = select_configuration(*doc, overlay, opts);
  if (!sc) return "verifying the configuration: " + sc.error().to_string();
  if (sc->config.enrollment_servers.empty())
    return fmt::format("verifying the configuration: overlay {} names no enrollment-server", overlay);
  if (sc->config.root_certs.empty())
    return fmt::format("verifying the configuration: overlay {} has no root-cert to check a certificate against",
                       overlay);
  return std::move(*sc);
}

std::string expected_user_description(const EnrollmentRequest& req) {
  if (req.expected_user_name) return *req.expected_user_name;
  if (req.username.find('@') != std::string::npos) return req.username;
  return req.username + "@...";
}

// The certificate's names against what the caller expects; the reason when they differ.
std::optional<std::string> check_names(const crypto::Certificate& cert, const EnrollmentRequest& req) {
  const auto& names = cert.user_names();
  if (names.size() != 1) return fmt::format("it has {} rfc822Names, not one", names.size());
  const std::string& name = names.front();
  bool ok = req.expected_user_name                       ? name == *req.expected_user_name
            : req.username.find('@') != std::string::npos ? name == req.username
                                                           : name.starts_with(req.username + "@");
  if (!ok) return fmt::format("its user name {} is not {}", printable(name), expected_user_description(req));
  if (req.expected_xmpp_address) {
    const auto& x = cert.xmpp_addresses();
    if (std::find(x.begin(), x.end(), *req.expected_xmpp_address) == x.end())
      return fmt::format("it does not carry the XMPP address {}", *req.expected_xmpp_address);
  }
  return std::nullopt;
}

boost::system::result<Der, Failed> post_form(const EnrollmentRequest& req, const SignedConfiguration& sc,
                                                     const EncodedForm& form, boost::asio::ssl::context& tls) {
  // Servers are tried in document order; a server that answers ends the search, one that
  // cannot be reached hands over to the next.
  std::string last;
  for (const auto& server : sc.config.enrollment_servers) {
    auto url = parse_https_url(server);
    if (!url) {
      last = fmt::format("enrolling: {} is not a usable https:// URL", server);
      continue;
    }
    HttpsOptions o;
    o.timeout = req.timeout;
    o.retry = req.retry;
    o.also_match = sc.config.instance_name;
    o.max_body = 64 * 1024;
    auto answer = https_exchange(*url, {"POST", form.content_type, form.body, std::string(proto::certificate_media_type)},
                                 tls, o);
    if (!answer) {
      last = "enrolling: " + answer.error();
      continue;
    }
    if (answer->status == 403) {
      std::string token = printable(answer->body);
      while (!token.empty() && token.back() == ' ') token.pop_back();
      if (std::find(proto::refusal_tokens.begin(), proto::refusal_tokens.end(), token) != proto::refusal_tokens.end())
        return fmt::format("enrolling: 403 {}", token);
      return fmt::format("enrolling: 403 for an unknown reason '{}'", token);
    }
    if (answer->status != 200)
      return fmt::format("enrolling: {} answered {} {}", server, answer->status, printable(answer->body));
    if (!media_type_is(answer->content_type, proto::certificate_media_type))
      return fmt::format("enrolling: content type '{}' is not {}", printable(answer->content_type),
                         proto::certificate_media_type);
    return Der{wire::to_buffer(wire::as_bytes(answer->body))};
  }
  return last;
}

}  // namespace

boost::system::result<NodeState, Failed> enroll(const EnrollmentRequest& req) {
  // 0. A node that enrolled before keeps its identity.
  if (has_node_state(req.state_dir)) {
    auto st = load_node_state(req.state_dir);
    if (!st) return st.error();
    if (req.overlay && st->configuration.config.instance_name != *req.overlay)
      return fmt::format("state directory {}: it is for overlay {}, not {}", req.state_dir.string(),
                         st->configuration.config.instance_name, *req.overlay);
    if (auto why = check_names(st->certificate, req))
      return fmt::format("state directory {}: its certificate is not the user's: {}", req.state_dir.string(), *why);
    return st;
  }
  if (req.node_ids == 0) return std::string("enrolling: asking for no Node-ID");

  auto tls = make_https_client_context(req.ca_file);
  if (!tls) return "fetching the configuration: " + tls.error();

  // 1. The configuration document (section 11.2).
  auto fetched = fetch_document(req, **tls);
  if (!fetched) return fetched.error();
  auto sc = verify_document(req, *fetched);
  if (!sc) return sc.error();
  const Configuration& c = sc->config;

  // 2. A key and a request (section 11.3). The request asks for the user's name (CN), which
  // the server accepts when it is the username or the rfc822 name it writes.
  auto key = crypto::PrivateKey::generate(req.key_type);
  if (!key) return "making a key: " + key.error().message();
  auto csr = crypto::make_certificate_request(*key, req.username);
  if (!csr) return "making the certificate request: " + csr.error().message();
  std::vector<FormPart> parts{
      {std::string(proto::field_username), {}, {}, req.username},
      {std::string(proto::field_password), {}, {}, req.password},
      {std::string(proto::field_nodeids), {}, {}, std::to_string(req.node_ids)},
      {std::string(proto::field_csr), std::string(proto::csr_media_type), std::string("csr.der"),
       std::string(csr->begin(), csr->end())}};
  auto form = encode_form(parts, random_boundary());
  if (!form) return "enrolling: " + form.error().reason;
  auto der = post_form(req, *sc, *form, **tls);
  if (!der) return der.error();

  // 3. The certificate must chain to a root-cert and name what we asked for.
  auto cert = crypto::Certificate::from_der(der->bytes);
  if (!cert) return std::string("checking the certificate: the answer is not a DER certificate");
  if (auto ec = crypto::TrustStore(c.trust_policy()).verify(*cert))
    return fmt::format("checking the certificate: not valid in {}: {}", c.instance_name, ec.message());
  if (!wire::equal_bytes(cert->public_key_der(), key->public_key_der()))
    return std::string("checking the certificate: it is not for our key");
  auto ids = cert->node_ids(c.instance_name);
  if (ids.size() != req.node_ids)
    return fmt::format("checking the certificate: asked for {} Node-IDs of {}, it has {}", req.node_ids,
                       c.instance_name, ids.size());
  for (const auto& id : ids)
    if (id.size() != c.node_id_length || c.is_bad_node(id))
      return fmt::format("checking the certificate: Node-ID {} is not usable in {}", id.hex(), c.instance_name);
  if (auto why = check_names(*cert, req)) return "checking the certificate: " + *why;

  // 4. Keep it.
  if (auto saved = save_node_state(req.state_dir, fetched->text, *key, *cert); !saved) return saved.error();
  return NodeState{std::move(*sc), std::move(*key), std::move(*cert), std::move(ids), true};
}

}  // namespace reload::config
