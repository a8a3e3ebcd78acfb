#include "enrollment_service.hpp"

#include <charconv>

#include "config/multipart.hpp"
#include "password_hash.hpp"

namespace reload::enroll {

namespace {

HttpResponse text(unsigned status, std::string body) { return {status, "text/plain", std::move(body) + "\n"}; }
HttpResponse forbidden(const char* token) { return {403, "text/plain", token}; }

bool accepts_pkix_cert(std::string_view accept) {
  // Absent means anything (RFC 9110); otherwise the type or a wildcard must be listed.
  return accept.empty() || accept.find("application/pkix-cert") != std::string_view::npos ||
         accept.find("application/*") != std::string_view::npos || accept.find("*/*") != std::string_view::npos;
}

}  // namespace

std::string EnrollmentService::user_name_of(const std::string& user) const {
  return user.find('@') != std::string::npos ? user : user + "@" + settings_.overlay;
}

HttpResponse EnrollmentService::handle(const HttpRequest& r) {
  const std::string path = r.target.substr(0, r.target.find('?'));
  if (path == "/.well-known/reload-config") {
    if (r.method != "GET" && r.method != "HEAD") return text(405, "use GET");
    return {200, "application/p2p-overlay+xml", document_};
  }
  if (path == "/enroll" || path == "/") {
    if (r.method != "POST") return text(405, "use POST with multipart/form-data");
    return enroll(r);
  }
  return text(404, "not found");
}

HttpResponse EnrollmentService::enroll(const HttpRequest& r) {
  if (!accepts_pkix_cert(r.accept)) return text(406, "Accept must admit application/pkix-cert");
  auto form = config::parse_form(r.content_type, r.body);
  if (!form) return text(400, "bad form: " + form.error().reason);
  const auto* username = config::find_part(*form, "username");
  const auto* password = config::find_part(*form, "password");
  const auto* csr_part = config::find_part(*form, "csr");
  const auto* nodeids = config::find_part(*form, "nodeids");
  if (!username || !password) return text(400, "missing username or password");
  if (!csr_part) return text(400, "missing csr");

  // Authentication first: nothing about Node-IDs or names is told to a stranger.
  const User* user = users_.find(username->body);
  if (!user || !verify_password(password->body, user->password_hash)) return forbidden("failed_authentication");

  std::size_t count = 1;
  if (nodeids) {
    auto [end, ec] = std::from_chars(nodeids->body.data(), nodeids->body.data() + nodeids->body.size(), count);
    if (ec != std::errc{} || end != nodeids->body.data() + nodeids->body.size() || count == 0 ||
        count > settings_.max_node_ids)
      return forbidden("Node-IDs_not_available");
  }
  auto csr = crypto::CertificateRequest::parse(reload::wire::as_bytes(csr_part->body));
  if (!csr) return forbidden("bad_CSR");
  const std::string rfc822 = user_name_of(username->body);
  for (const auto& asked : csr->requested_names())
    if (!asked.empty() && asked != username->body && asked != rfc822) return forbidden("username_not_available");

  auto ids = registry_.assign(username->body, count);
  if (!ids) return text(500, ids.error());
  crypto::Identity who;
  who.node_ids = std::move(*ids);
  who.overlay = settings_.overlay;
  who.user_name = rfc822;
  who.xmpp_address = user->xmpp_address;
  auto cert = ca_.issue(*csr, who, settings_.validity);
  if (!cert) return text(500, "issuing failed: " + cert.error().message());
  auto der = cert->der();
  return {200, "application/pkix-cert", std::string(der.begin(), der.end())};
}

}  // namespace reload::enroll
