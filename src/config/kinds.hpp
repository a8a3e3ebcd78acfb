// Kinds as the configuration document defines them (RFC 6940 section 11.1, <kind-block>),
// and the table of Kinds this node knows by name.
//
// A <kind> names its Kind either by IANA name or by numeric id. A name must be one this node
// knows (a typo is an error, never a silently unknown Kind). For a Kind with a registered
// definition the registration's data model and access control win over the document's
// ("clients MUST ignore them in favor of the IANA versions", section 11.1); a document that
// disagrees gets a warning.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/bytes.hpp"
#include "wire/codec_context.hpp"

namespace reload::config {

// The access control policies of RFC 6940 section 7.3.
enum class AccessControl : std::uint8_t { user_match, node_match, user_node_match, node_multiple };

// "USER-MATCH", ... as the document writes them.
std::string_view access_control_name(AccessControl a) noexcept;
std::optional<AccessControl> access_control_from_name(std::string_view name) noexcept;
// "SINGLE", "ARRAY", "DICTIONARY" (section 11.1.1's data-model-type).
std::string_view data_model_name(wire::DataModel m) noexcept;
std::optional<wire::DataModel> data_model_from_name(std::string_view name) noexcept;

// A Kind this node knows by name, with the definition its specification gives.
struct KnownKind {
  std::string name;
  wire::KindId id = 0;
  wire::DataModel data_model = wire::DataModel::single_value;
  AccessControl access_control = AccessControl::user_match;
  std::uint32_t max_node_multiple = 0;  // NODE-MULTIPLE kinds only
};

// SIP-REGISTRATION 1 (RFC 7904: dictionary, USER-NODE-MATCH), TURN-SERVICE 2 (RFC 6940
// section 9: single value, NODE-MULTIPLE up to 20), CERTIFICATE_BY_NODE 3 (section 8: array,
// NODE-MATCH), CERTIFICATE_BY_USER 16 (array, USER-MATCH), and XMPP-LOCATION 5 (XEP-0415
// section 9: dictionary, USER-NODE-MATCH). XMPP-LOCATION's number is only the XEP's request
// (no registry confirms it, PITFALLS 17): a deployment that needs another number passes its
// own table in ParseOptions::known_kinds or defines the Kind by id.
const std::vector<KnownKind>& standard_kinds();

const KnownKind* find_known_kind(const std::vector<KnownKind>& table, std::string_view name) noexcept;
const KnownKind* find_known_kind(const std::vector<KnownKind>& table, wire::KindId id) noexcept;

// One <kind-block>: the Kind's parameters, and what its kind-signature covers.
struct KindDefinition {
  wire::KindId id = 0;
  std::string name;  // the name attribute, or the known name of the id; may be empty
  wire::DataModel data_model = wire::DataModel::single_value;
  AccessControl access_control = AccessControl::user_match;
  std::uint32_t max_count = 0;          // values a storing peer must accept per resource
  std::uint32_t max_size = 0;           // bytes per value
  std::uint32_t max_node_multiple = 0;  // NODE-MULTIPLE: the largest i; 0 otherwise

  // Provenance for the kind-signature: the exact bytes from "<kind" to "</kind>" and the
  // decoded SecurityBlock of <kind-signature> (empty when the block has none).
  std::string signed_text;
  wire::Buffer signature;
  unsigned line = 0;  // of the <kind> start tag

  // Everything but the provenance: what a node acts on.
  bool same_definition(const KindDefinition& o) const noexcept {
    return id == o.id && data_model == o.data_model && access_control == o.access_control &&
           max_count == o.max_count && max_size == o.max_size &&
           max_node_multiple == o.max_node_multiple;
  }
};

}  // namespace reload::config
