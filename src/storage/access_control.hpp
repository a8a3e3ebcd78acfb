// The access control policies of RFC 6940 section 7.3, and XEP-0415 section 4.4's reading of
// USER-NODE-MATCH for XMPP-LOCATION.
//
// A policy decides from the signer's verified certificate alone whether it may write a value
// at a Resource-ID:
//   USER-MATCH       H(user name) == Resource-ID
//   NODE-MATCH       H(Node-ID) == Resource-ID
//   USER-NODE-MATCH  H(user name) == Resource-ID and dictionary key == Node-ID
//   NODE-MULTIPLE    H(Node-ID || i) == Resource-ID for some i in 0..max-node-multiple
// H is the overlay's hash (SHA-1 cut to the Resource-ID length). "User name" is the
// rfc822Name, or for XMPP-LOCATION the id-on-xmppAddr otherName, hashed exactly as the
// certificate carries it: the storing peer never applies PRECIS (XEP-0415 section 4.4).
// "Node-ID" is one of the certificate's Node-IDs of this overlay; when the signature's
// identity is cert_hash_node_id it must be the Node-ID that identity binds (the RFC's "that
// Node-ID is the one indicated in the SignerIdentity"). A plain cert_hash identity binds no
// Node-ID, so every Node-ID of the certificate qualifies: the CA bound them all to one key.
//
// NODE-MULTIPLE's i is not on the wire and the RFC does not say how it is encoded; here it is
// a uint32 in network byte order (as java-reload does), and i runs from 0 to
// max-node-multiple inclusive (TURN-SERVICE, its one user, counts d from 1: both fit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/kinds.hpp"
#include "storage/storage_config.hpp"
#include "wire/node_id.hpp"
#include "wire/stored_data.hpp"

namespace reload::crypto {
struct VerifiedSigner;
}  // namespace reload::crypto

namespace reload::storage {

enum class AccessVerdict : std::uint8_t {
  allowed,
  no_user_name,       // no rfc822Name (for XMPP-LOCATION: no id-on-xmppAddr) to match
  no_node_id,         // no Node-ID of this overlay in the certificate
  resource_mismatch,  // nothing of the signer's hashes to the Resource-ID
  key_mismatch,       // USER-NODE-MATCH: the dictionary key is not the signer's Node-ID
  wrong_data_model,   // USER-NODE-MATCH on a Kind that is not a dictionary
};

// Why, in words (the text of the Error_Forbidden the store sends).
std::string_view verdict_text(AccessVerdict v) noexcept;

class NodeMultipleIndex;

// One Kind's policy with what it needs to know of the overlay.
struct AccessRule {
  config::AccessControl policy = config::AccessControl::user_match;
  bool match_xmpp_address = false;     // user names are id-on-xmppAddr (XMPP-LOCATION)
  std::uint32_t max_node_multiple = 0;  // NODE-MULTIPLE's largest i
  std::string_view overlay;            // Node-IDs of this overlay count; views the config
  std::size_t resource_id_length = 16;
  // NODE-MULTIPLE's hashes remembered between checks (node_multiple_index.hpp); without it
  // every check scans from i = 0.
  NodeMultipleIndex* node_multiple_index = nullptr;
};

// The rule of `kind` in the overlay `config` describes; it views config.overlay.
AccessRule access_rule(const config::KindDefinition& kind, const StorageConfig& config);

// May `signer` write `value` at `resource`? `value` is a decoded StoredDataValue of the
// Kind's model (its key matters to USER-NODE-MATCH only).
AccessVerdict check_access(const AccessRule& rule, const wire::ResourceId& resource,
                           const wire::StoredDataValue& value,
                           const crypto::VerifiedSigner& signer);

// H(Node-ID || i), the i-th Resource-ID a NODE-MULTIPLE Kind lets `node` write.
wire::ResourceId node_multiple_resource_id(const wire::NodeId& node, std::uint32_t i,
                                           std::size_t length = 16);

}  // namespace reload::storage
