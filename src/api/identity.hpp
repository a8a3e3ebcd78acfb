// Where a node's identity comes from (reload-node's and reload::Node's): its state
// directory, kept across restarts, so a restarted peer keeps its Node-ID (and the data
// stored under it), or an identity an embedding program holds in memory.
//
//   STATE/overlay.xml   the configuration document the node runs with
//   STATE/node.key      its private key (PKCS#8 PEM, mode 0600)
//   STATE/node.crt      its certificate (PEM)
//
// On first start the directory is filled: by enrollment (RFC 6940 section 11.3) when the
// overlay has an enrollment server, or with a self-signed certificate (section 11.3.1)
// when the configuration permits one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/result.hpp>

#include "config/overlay_document.hpp"
#include "crypto/certificate.hpp"
#include "crypto/private_key.hpp"

namespace reload::api {

struct IdentityRequest {
  std::string config;  // a file path or an https:// URL of the configuration document
  std::filesystem::path state_dir;
  std::optional<std::string> user;
  std::optional<std::string> password;
  std::optional<std::filesystem::path> ca_file;  // trust anchor for the HTTPS server
};

struct NodeIdentity {
  config::SignedConfiguration configuration;
  crypto::PrivateKey key;
  crypto::Certificate certificate;
  wire::NodeId node_id;
  bool fresh = false;  // made (enrolled or self-signed) by this start
};

// Loads the identity from the state directory, or makes it. The error is one line that
// says which step failed and why.
boost::system::result<NodeIdentity, std::string> load_or_make_identity(const IdentityRequest& request,
                                                                       const std::function<void(const std::string&)>& progress);
// An identity held in memory: the configuration document's text, the key and the
// certificate as PEM; checked as a state directory is.
boost::system::result<NodeIdentity, std::string> identity_from_text(std::string_view document, std::string_view key_pem,
                                                                    std::string_view certificate_pem);

// The configuration's bootstrap-nodes, to join through when none are given.
std::vector<boost::asio::ip::tcp::endpoint> document_bootstrap(const config::Configuration& configuration);

}  // namespace reload::api
