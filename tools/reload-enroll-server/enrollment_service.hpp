// What the enrollment server answers (RFC 6940 sections 11.2 and 11.3), without sockets:
// a request in, a response out. The HTTPS server (https_server.hpp) only moves bytes.
//
//   GET  /.well-known/reload-config   the signed configuration document,
//                                     application/p2p-overlay+xml
//   POST /enroll (and POST /)         multipart/form-data: username, password, nodeids, csr;
//                                     200 application/pkix-cert (DER), or 403 text/plain
//                                     failed_authentication | username_not_available |
//                                     Node-IDs_not_available | bad_CSR
//   A POST whose Accept does not admit application/pkix-cert gets 406; a body that is not a
//   well-formed form, or lacks a field, gets 400 with the reason.
#pragma once

#include <chrono>
#include <string>

#include "crypto/issuance.hpp"
#include "node_id_registry.hpp"
#include "user_db.hpp"

namespace reload::enroll {

struct HttpRequest {
  std::string method;
  std::string target;
  std::string content_type;
  std::string accept;
  std::string body;
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type;
  std::string body;
};

struct ServiceSettings {
  std::string overlay;                  // instance-name
  std::size_t max_node_ids = 4;         // per request
  std::chrono::seconds validity{std::chrono::hours(24 * 365)};
};

class EnrollmentService {
 public:
  EnrollmentService(ServiceSettings settings, std::string document, crypto::CertificateAuthority ca,
                    UserDb users, NodeIdRegistry registry)
      : settings_(std::move(settings)), document_(std::move(document)), ca_(std::move(ca)),
        users_(std::move(users)), registry_(std::move(registry)) {}

  HttpResponse handle(const HttpRequest& request);

  // The rfc822Name a user's certificate carries: the user name when it holds an '@',
  // else name@<overlay>.
  std::string user_name_of(const std::string& user) const;

 private:
  HttpResponse enroll(const HttpRequest& request);

  ServiceSettings settings_;
  std::string document_;
  crypto::CertificateAuthority ca_;
  UserDb users_;
  NodeIdRegistry registry_;
};

}  // namespace reload::enroll
