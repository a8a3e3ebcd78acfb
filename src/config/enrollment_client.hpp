// The enrollment client (RFC 6940 sections 11.2 and 11.3): fetch the overlay's configuration
// document, verify it, make a key and a PKCS#10 request, POST it with the user's name and
// password, check the certificate that comes back, and keep key, certificate and document
// in a state directory (enrollment_state.hpp) so that a restarted node keeps its identity.
//
// It is blocking (each HTTPS exchange runs its own io_context to completion, bounded by
// `timeout`): a node calls it at start-up, before its event loop runs. Never call it on an
// executor that serves anything else.
//
// What it checks:
//   * the document: fetched over HTTPS from a server whose certificate chains to `ca_file`
//     (or the system's roots) and matches the URL's host (RFC 2818); content type
//     application/p2p-overlay+xml; it must be signed, by a configuration-signer whose
//     certificate chains to the document's own root-certs (src/config selection). A local
//     file instead of a URL is the operator's: accepted unsigned, verified when signed;
//   * the enrollment server: its certificate must match the URL's host and also the overlay
//     name (section 11.3: "The server certificate MUST match the overlay name");
//   * the certificate: it chains to one of the document's root-certs (PKIX, basic
//     constraints included), is for our key, carries exactly the Node-IDs asked for in
//     reload:// URIs of this overlay, exactly one rfc822Name that is the user's (see
//     EnrollmentRequest::expected_user_name) and, when asked, the xmppAddr.
// Every error is one line naming the step: "fetching the configuration: ...",
// "verifying the configuration: ...", "enrolling: 403 failed_authentication",
// "checking the certificate: ...", "state directory DIR: ...".
//
// A busy server is asked again (https_client.hpp, retry_policy.hpp): 503 and 429 after their
// Retry-After, a connection refused, reset or closed before TLS after a back-off, within
// `retry`'s bounds (by default 4 attempts, no wait over 30 s, 60 s of waiting in all). When
// it is still busy the error says so: "enrolling: https://...: the server is busy: 503
// Service Unavailable "..."; gave up after 4 attempts in 3 s", and the next
// enrollment-server of the document, if any, is tried.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include <boost/system/result.hpp>

#include "config/enrollment_state.hpp"
#include "config/retry_policy.hpp"
#include "crypto/private_key.hpp"

namespace reload::config {

struct EnrollmentRequest {
  // https://host:port/.well-known/reload-config, or the path of a local document.
  std::string config_url;
  std::optional<std::filesystem::path> ca_file;  // trust anchor for HTTPS (test rigs); else the system's
  std::string username;
  std::string password;
  std::size_t node_ids = 1;
  crypto::KeyType key_type = crypto::KeyType::ecdsa_p256;
  // The overlay's instance-name, when the caller knows it: a document for another overlay
  // is refused (section 11.2).
  std::optional<std::string> overlay;
  // The certificate's rfc822Name must be this. Without it: the username itself when it
  // holds an '@', else username@<something> (reload-enroll-server writes
  // username@<instance-name>).
  std::optional<std::string> expected_user_name;
  std::optional<std::string> expected_xmpp_address;  // refuse a certificate without it
  std::filesystem::path state_dir;
  std::chrono::seconds timeout{15};  // per HTTPS exchange (per attempt)
  RetryPolicy retry;                 // for each HTTPS exchange
};

// Returns the identity in `state_dir` when it holds one (load_node_state; it must be the
// user's), without contacting any server; otherwise enrolls and writes the state directory.
boost::system::result<NodeState, std::string> enroll(const EnrollmentRequest& request);

}  // namespace reload::config
