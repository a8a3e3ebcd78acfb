#include "storage/access_control.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <boost/endian/conversion.hpp>

#include "crypto/signing.hpp"
#include "storage/node_multiple_index.hpp"
#include "wire/hashes.hpp"

namespace reload::storage {

using config::AccessControl;

std::string_view verdict_text(AccessVerdict v) noexcept {
  switch (v) {
    case AccessVerdict::allowed: return "allowed";
    case AccessVerdict::no_user_name: return "the signer's certificate has no user name to match";
    case AccessVerdict::no_node_id: return "the signer's certificate has no Node-ID of this overlay";
    case AccessVerdict::resource_mismatch: return "the Resource-ID is not the hash of the signer's identity";
    case AccessVerdict::key_mismatch: return "the dictionary key is not the signer's Node-ID";
    case AccessVerdict::wrong_data_model: return "USER-NODE-MATCH needs a dictionary Kind";
  }
  return "refused";
}

AccessRule access_rule(const config::KindDefinition& kind, const StorageConfig& config) {
  AccessRule r;
  r.policy = kind.access_control;
  r.match_xmpp_address = kind.id == config.xmpp_location_kind;
  r.max_node_multiple = kind.max_node_multiple;
  r.overlay = config.overlay;
  r.resource_id_length = config.resource_id_length;
  return r;
}

wire::ResourceId node_multiple_resource_id(const wire::NodeId& node, std::uint32_t i, std::size_t length) {
  wire::Buffer name(node.bytes().begin(), node.bytes().end());
  std::uint8_t be[4];
  boost::endian::store_big_u32(be, i);
  name.insert(name.end(), be, be + 4);
  return wire::resource_id_of(wire::Bytes(name), length);
}

namespace {

// The Node-IDs the signer may act as: the one its identity binds, else all of this overlay's.
std::vector<wire::NodeId> signer_node_ids(const AccessRule& rule, const crypto::VerifiedSigner& signer) {
  std::vector<wire::NodeId> ids = signer.certificate.node_ids(rule.overlay);
  if (signer.node_id.empty()) return ids;
  bool bound = std::find(ids.begin(), ids.end(), signer.node_id) != ids.end();
  return bound ? std::vector<wire::NodeId>{signer.node_id} : std::vector<wire::NodeId>{};
}

const std::vector<std::string>& user_names(const AccessRule& rule, const crypto::VerifiedSigner& signer) {
  return rule.match_xmpp_address ? signer.certificate.xmpp_addresses() : signer.certificate.user_names();
}

AccessVerdict user_match(const AccessRule& rule, const wire::ResourceId& resource,
                         const crypto::VerifiedSigner& signer) {
  const auto& names = user_names(rule, signer);
  if (names.empty()) return AccessVerdict::no_user_name;
  for (const auto& name : names)
    if (wire::resource_id_of(name, rule.resource_id_length) == resource) return AccessVerdict::allowed;
  return AccessVerdict::resource_mismatch;
}

// NODE-MATCH: H(Node-ID); NODE-MULTIPLE: H(Node-ID || i) for i in 0..max-node-multiple.
bool node_owns(const AccessRule& rule, const wire::NodeId& id, const wire::ResourceId& resource) {
  if (rule.policy == AccessControl::node_match)
    return wire::resource_id_of(id.bytes(), rule.resource_id_length) == resource;
  if (rule.node_multiple_index) return rule.node_multiple_index->owns(id, resource, rule.max_node_multiple);
  for (std::uint64_t i = 0; i <= rule.max_node_multiple; ++i)
    if (node_multiple_resource_id(id, static_cast<std::uint32_t>(i), rule.resource_id_length) == resource)
      return true;
  return false;
}

AccessVerdict node_match(const AccessRule& rule, const wire::ResourceId& resource,
                         const crypto::VerifiedSigner& signer) {
  auto ids = signer_node_ids(rule, signer);
  if (ids.empty()) return AccessVerdict::no_node_id;
  for (const auto& id : ids)
    if (node_owns(rule, id, resource)) return AccessVerdict::allowed;
  return AccessVerdict::resource_mismatch;
}

AccessVerdict user_node_match(const AccessRule& rule, const wire::ResourceId& resource,
                              const wire::StoredDataValue& value, const crypto::VerifiedSigner& signer) {
  const auto* entry = std::get_if<wire::DictionaryEntry>(&value);
  if (!entry) return AccessVerdict::wrong_data_model;
  if (auto v = user_match(rule, resource, signer); v != AccessVerdict::allowed) return v;
  auto ids = signer_node_ids(rule, signer);
  if (ids.empty()) return AccessVerdict::no_node_id;
  for (const auto& id : ids)
    if (wire::equal_bytes(id.bytes(), entry->key)) return AccessVerdict::allowed;
  return AccessVerdict::key_mismatch;
}

}  // namespace

AccessVerdict check_access(const AccessRule& rule, const wire::ResourceId& resource,
                           const wire::StoredDataValue& value, const crypto::VerifiedSigner& signer) {
  switch (rule.policy) {
    case AccessControl::user_match: return user_match(rule, resource, signer);
    case AccessControl::node_match: return node_match(rule, resource, signer);
    case AccessControl::user_node_match: return user_node_match(rule, resource, value, signer);
    case AccessControl::node_multiple: return node_match(rule, resource, signer);
  }
  return AccessVerdict::resource_mismatch;
}

}  // namespace reload::storage
