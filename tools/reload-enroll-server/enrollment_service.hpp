// What the enrollment server answers (RFC 6940 sections 11.2 and 11.3), without sockets:
// a request in, a response out. The HTTPS front (https_server.hpp) only moves bytes, so
// everything here is unit-tested directly (tests/unit/enrollment).
//
//   GET|HEAD /.well-known/reload-config
//       200 application/p2p-overlay+xml: the signed configuration document.
//   POST /enroll  (and POST /, so that an enrollment-server URL without a path works too)
//       multipart/form-data with the fields username, password, nodeids (optional, default
//       1) and csr (Content-Type application/pkcs10; DER, or PEM for people with openssl
//       and curl at hand). The Accept header must list application/pkix-cert (the RFC's
//       MUST; wildcards do not count), else 406.
//       200 application/pkix-cert: a DER certificate from the CA with one reload:// URI per
//           Node-ID, the user's rfc822Name (the username when it holds an '@', else
//           username@<instance-name>) and, for users with one, the xmppAddr otherName.
//       403 text/plain, the body exactly one of the RFC's tokens:
//           failed_authentication   unknown user or wrong password
//           Node-IDs_not_available  nodeids is not a number from 1 to max_node_ids
//           bad_CSR                 the csr part is not application/pkcs10, does not parse,
//                                   its signature does not verify, or its key is not RSA
//                                   (>= 2048 bits) or EC P-256
//           username_not_available  the CSR asks for a name (subject CN or emailAddress, or
//                                   a SAN rfc822Name) that is neither the username nor the
//                                   user's rfc822Name
//       400 text/plain with a one-line reason: not multipart/form-data, a malformed form, a
//           field missing or given twice.
//   Anything else: 404, or 405 with Allow for a known path and the wrong method.
//
// Checks run in that order, and authentication comes before anything about Node-IDs or
// names, so a stranger learns nothing. An unknown user costs the same PBKDF2 work as a
// wrong password, so timing does not tell which names exist.
//
// Node-IDs: a returning user gets the Node-IDs it was given before (the first `nodeids` of
// them; more are added when it asks for more), so its stored data stays valid; a Node-ID is
// never given to two users (node_id_registry.hpp).
//
// Thread-safe: the password check runs unlocked (it is the slow part), the registry and the
// CA are used under one mutex.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
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
  std::string allow;  // for 405
};

struct ServiceSettings {
  std::string overlay;           // instance-name
  std::size_t max_node_ids = 4;  // per request
  std::chrono::seconds validity{std::chrono::hours(24 * 365)};
};

class EnrollmentService {
 public:
  using Log = std::function<void(const std::string&)>;

  EnrollmentService(ServiceSettings settings, std::string document, crypto::CertificateAuthority ca,
                    UserFile users, NodeIdRegistry registry, Log log = {});

  HttpResponse handle(const HttpRequest& request);

  // Whether handle() checks a password for this request (PBKDF2, a tenth of a second), so
  // that the HTTPS front runs it off its I/O thread and under its login limits; everything
  // else handle() answers in microseconds.
  static bool checks_password(const HttpRequest& request);
  // Whether a response says the password (or the user) was wrong.
  static bool failed_authentication(const HttpResponse& response);

  // The rfc822Name a user's certificate carries: the user name when it holds an '@',
  // else name@<overlay>.
  std::string user_name_of(const std::string& user) const;

 private:
  HttpResponse enroll(const HttpRequest& request);

  ServiceSettings settings_;
  std::string document_;
  crypto::CertificateAuthority ca_;
  UserFile users_;
  std::string dummy_hash_;  // verified against for unknown users
  Log log_;
  std::mutex mutex_;  // guards registry_ and issuing
  NodeIdRegistry registry_;
};

// Whether an Accept header value lists `type` (case-insensitive, parameters allowed) with a
// q-value above 0. Wildcards do not count.
bool accept_lists(std::string_view accept, std::string_view type);

}  // namespace reload::enroll
