// The enrollment client (RFC 6940 sections 11.2 and 11.3): fetch the overlay's configuration
// document, verify it, make a key and a PKCS#10 request, POST it with the user's name and
// password, check the certificate that comes back, and keep key, certificate and document
// in a state directory so a restarted node keeps its identity.
//
// It is blocking: a node calls it at start-up, before its event loop runs.
//
// The state directory:
//   overlay.xml  the configuration document as served (signed)
//   node.key     the private key, PKCS#8 PEM, mode 0600
//   node.crt     the certificate, PEM
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <boost/system/result.hpp>

#include "config/overlay_document.hpp"
#include "crypto/certificate.hpp"
#include "crypto/private_key.hpp"

namespace reload::config {

inline constexpr const char* state_document = "overlay.xml";
inline constexpr const char* state_key = "node.key";
inline constexpr const char* state_certificate = "node.crt";

struct EnrollmentRequest {
  std::string config_url;                        // https://host:port/.well-known/reload-config
  std::optional<std::filesystem::path> ca_file;  // trust anchor for HTTPS (test rigs)
  std::string username;
  std::string password;
  std::size_t node_ids = 1;
  crypto::KeyType key_type = crypto::KeyType::ecdsa_p256;
  std::optional<std::string> expected_xmpp_address;  // refuse a certificate without it
  std::filesystem::path state_dir;
};

struct NodeState {
  SignedConfiguration configuration;
  crypto::PrivateKey key;
  crypto::Certificate certificate;
  std::vector<wire::NodeId> node_ids;
};

// Enrolls and writes the state directory. The error is one line naming the step.
boost::system::result<NodeState, std::string> enroll(const EnrollmentRequest& request);

// Reads a state directory written by enroll() (or by a self-signed start). The document's
// signature is verified again when it has one.
boost::system::result<NodeState, std::string> load_node_state(const std::filesystem::path& dir);
bool has_node_state(const std::filesystem::path& dir);

// Writes the three files (the key first, mode 0600).
boost::system::result<void, std::string> save_node_state(const std::filesystem::path& dir,
                                                         std::string_view document,
                                                         const crypto::PrivateKey& key,
                                                         const crypto::Certificate& certificate);

}  // namespace reload::config
