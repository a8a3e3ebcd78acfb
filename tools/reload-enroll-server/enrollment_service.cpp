#include "enrollment_service.hpp"

#include <algorithm>
#include <charconv>

#include "config/enrollment_protocol.hpp"
#include "config/multipart.hpp"
#include "password_hash.hpp"

namespace reload::enroll {

namespace proto = config::enrollment;

namespace {

HttpResponse text(unsigned status, std::string body) { return {status, "text/plain", std::move(body) + "\n", {}}; }
HttpResponse forbidden(std::string_view token) { return {403, "text/plain", std::string(token), {}}; }
HttpResponse method_not_allowed(const char* allow) {
  return {405, "text/plain", "use " + std::string(allow) + "\n", allow};
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "application/pkcs10; x=y" -> "application/pkcs10"
std::string_view media_type(std::string_view content_type) { return trim(content_type.substr(0, content_type.find(';'))); }

}  // namespace

bool accept_lists(std::string_view accept, std::string_view type) {
  while (!accept.empty()) {
    std::size_t comma = accept.find(',');
    std::string_view item = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
    if (!iequals(media_type(item), type)) continue;
    // A q-value of 0 means "not acceptable" (RFC 9110 section 12.4.2).
    bool refused = false;
    std::string_view params = item.substr(std::min(item.find(';'), item.size()));
    while (!params.empty()) {
      params.remove_prefix(1);  // ';'
      std::size_t next = params.find(';');
      std::string_view p = trim(params.substr(0, next));
      params = next == std::string_view::npos ? std::string_view{} : params.substr(next);
      if (p.size() >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
        std::string_view q = p.substr(2);
        refused = !q.empty() && q.find_first_not_of("0.") == std::string_view::npos;
      }
    }
    if (!refused) return true;
  }
  return false;
}

EnrollmentService::EnrollmentService(ServiceSettings settings, std::string document, crypto::CertificateAuthority ca,
                                     UserFile users, NodeIdRegistry registry, Log log)
    : settings_(std::move(settings)),
      document_(std::move(document)),
      ca_(std::move(ca)),
      users_(std::move(users)),
      dummy_hash_(hash_password("not a password of anyone")),
      log_(log ? std::move(log) : Log([](const std::string&) {})),
      registry_(std::move(registry)) {}

std::string EnrollmentService::user_name_of(const std::string& user) const {
  return user.find('@') != std::string::npos ? user : user + "@" + settings_.overlay;
}

namespace {
std::string_view path_of(const HttpRequest& r) { return std::string_view(r.target).substr(0, r.target.find('?')); }
bool is_enroll_path(std::string_view path) { return path == "/enroll" || path == "/"; }
}  // namespace

bool EnrollmentService::checks_password(const HttpRequest& r) {
  return r.method == "POST" && is_enroll_path(path_of(r));
}

bool EnrollmentService::failed_authentication(const HttpResponse& response) {
  return response.status == 403 && response.body == proto::failed_authentication;
}

HttpResponse EnrollmentService::handle(const HttpRequest& r) {
  const std::string_view path = path_of(r);
  if (path == proto::well_known_path) {
    if (r.method != "GET" && r.method != "HEAD") return method_not_allowed("GET, HEAD");
    return {200, std::string(proto::config_media_type), r.method == "HEAD" ? std::string() : document_, {}};
  }
  if (is_enroll_path(path)) {
    if (r.method != "POST") return method_not_allowed("POST");
    return enroll(r);  // the only branch that checks a password: checks_password() says so
  }
  return text(404, "not found");
}

HttpResponse EnrollmentService::enroll(const HttpRequest& r) {
  if (!accept_lists(r.accept, proto::certificate_media_type))
    return text(406, "the Accept header must list application/pkix-cert (RFC 6940 section 11.3)");
  auto form = config::parse_form(r.content_type, r.body);
  if (!form) return text(400, "bad form: " + form.error().reason);
  const auto* username = config::find_part(*form, proto::field_username);
  const auto* password = config::find_part(*form, proto::field_password);
  const auto* csr_part = config::find_part(*form, proto::field_csr);
  const auto* nodeids = config::find_part(*form, proto::field_nodeids);
  for (auto [part, name] : {std::pair{username, proto::field_username}, std::pair{password, proto::field_password},
                            std::pair{csr_part, proto::field_csr}})
    if (!part) return text(400, "missing field '" + std::string(name) + "'");

  // Authentication first: nothing about Node-IDs or names is told to a stranger.
  auto users = users_.current();
  if (users.reload_error) log_("users file not reloaded, the previous one stays in force: " + *users.reload_error);
  const User* user = users.db->find(username->body);
  bool authenticated = verify_password(password->body, user ? user->password_hash : dummy_hash_);
  if (!user || !authenticated) return forbidden(proto::failed_authentication);

  std::size_t count = 1;
  if (nodeids) {
    const char* b = nodeids->body.data();
    const char* e = b + nodeids->body.size();
    auto [end, ec] = std::from_chars(b, e, count);
    if (ec != std::errc{} || end != e || count == 0 || count > settings_.max_node_ids)
      return forbidden(proto::node_ids_not_available);
  }
  if (!iequals(media_type(csr_part->content_type), proto::csr_media_type)) return forbidden(proto::bad_csr);
  auto csr = crypto::CertificateRequest::parse(wire::as_bytes(csr_part->body));
  if (!csr) return forbidden(proto::bad_csr);
  const std::string rfc822 = user_name_of(username->body);
  for (const auto& asked : csr->requested_names())
    if (!asked.empty() && asked != username->body && asked != rfc822) return forbidden(proto::username_not_available);

  crypto::Identity who;
  who.overlay = settings_.overlay;
  who.user_name = rfc822;
  who.xmpp_address = user->xmpp_address;
  std::lock_guard lock(mutex_);
  auto ids = registry_.assign(username->body, count);
  if (!ids) {
    log_("Node-ID registry: " + ids.error());
    return text(500, "the server cannot record Node-IDs");
  }
  who.node_ids = std::move(*ids);
  auto cert = ca_.issue(*csr, who, settings_.validity);
  if (!cert) {
    log_("issuing failed: " + cert.error().message());
    return text(500, "issuing failed");
  }
  auto der = cert->der();
  return {200, std::string(proto::certificate_media_type), std::string(der.begin(), der.end()), {}};
}

}  // namespace reload::enroll
