// A node's identity on disk: its state directory, kept across restarts so that a restarted
// node keeps its Node-IDs (and the data stored under them) and does not enroll again.
//
//   STATE/overlay.xml  the configuration document as fetched (or given), byte for byte: its
//                      signatures cover those exact bytes
//   STATE/node.key     the private key, unencrypted PKCS#8 PEM, mode 0600
//   STATE/node.crt     the certificate, PEM
//
// The key is written first and the document last, each atomically (a temporary file, fsync,
// rename), so a directory that holds all three files holds a complete identity: an
// enrollment interrupted half-way leaves no overlay.xml and is redone.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "config/overlay_document.hpp"
#include "crypto/certificate.hpp"
#include "crypto/private_key.hpp"
#include "wire/node_id.hpp"

namespace reload::config {

inline constexpr const char* state_document = "overlay.xml";
inline constexpr const char* state_key = "node.key";
inline constexpr const char* state_certificate = "node.crt";

struct NodeState {
  SignedConfiguration configuration;
  crypto::PrivateKey key;
  crypto::Certificate certificate;
  std::vector<wire::NodeId> node_ids;  // the certificate's, for the overlay, in its order
  bool enrolled_now = false;           // true when enroll() contacted the server this time
};

// Whether `dir` holds the three files (not whether they are good: load_node_state says).
bool has_node_state(const std::filesystem::path& dir);

// Reads a state directory written by save_node_state. The document is parsed and its
// configuration selected again (signatures verified when it carries them), the key must be
// the certificate's, and the certificate must be valid in the overlay now. The error is one
// line starting "state directory DIR: ".
boost::system::result<NodeState, std::string> load_node_state(const std::filesystem::path& dir);
// The same checks on an identity held in memory (an embedding program's): the document's
// text, the key and the certificate as PEM. The error starts "the identity given: ".
boost::system::result<NodeState, std::string> node_state_from_text(std::string_view document,
                                                                   std::string_view key_pem,
                                                                   std::string_view certificate_pem);

// Writes the three files (the key first, the document last), creating `dir` (mode 0700).
boost::system::result<void, std::string> save_node_state(const std::filesystem::path& dir,
                                                         std::string_view document,
                                                         const crypto::PrivateKey& key,
                                                         const crypto::Certificate& certificate);

}  // namespace reload::config
