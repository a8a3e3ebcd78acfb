#include "config/kinds.hpp"

namespace reload::config {

std::string_view access_control_name(AccessControl a) noexcept {
  switch (a) {
    case AccessControl::user_match: return "USER-MATCH";
    case AccessControl::node_match: return "NODE-MATCH";
    case AccessControl::user_node_match: return "USER-NODE-MATCH";
    case AccessControl::node_multiple: return "NODE-MULTIPLE";
  }
  return "?";
}

std::optional<AccessControl> access_control_from_name(std::string_view name) noexcept {
  if (name == "USER-MATCH") return AccessControl::user_match;
  if (name == "NODE-MATCH") return AccessControl::node_match;
  if (name == "USER-NODE-MATCH") return AccessControl::user_node_match;
  if (name == "NODE-MULTIPLE") return AccessControl::node_multiple;
  return std::nullopt;
}

std::string_view data_model_name(wire::DataModel m) noexcept {
  switch (m) {
    case wire::DataModel::single_value: return "SINGLE";
    case wire::DataModel::array: return "ARRAY";
    case wire::DataModel::dictionary: return "DICTIONARY";
  }
  return "?";
}

std::optional<wire::DataModel> data_model_from_name(std::string_view name) noexcept {
  if (name == "SINGLE") return wire::DataModel::single_value;
  if (name == "ARRAY") return wire::DataModel::array;
  if (name == "DICTIONARY") return wire::DataModel::dictionary;
  return std::nullopt;
}

const std::vector<KnownKind>& standard_kinds() {
  using wire::DataModel;
  namespace k = wire::kinds;
  static const std::vector<KnownKind> table{
      {"SIP-REGISTRATION", k::sip_registration, DataModel::dictionary,
       AccessControl::user_node_match, 0},
      {"TURN-SERVICE", k::turn_service, DataModel::single_value, AccessControl::node_multiple, 20},
      {"CERTIFICATE_BY_NODE", k::certificate_by_node, DataModel::array, AccessControl::node_match,
       0},
      {"CERTIFICATE_BY_USER", k::certificate_by_user, DataModel::array, AccessControl::user_match,
       0},
      {"XMPP-LOCATION", k::xmpp_location, DataModel::dictionary, AccessControl::user_node_match,
       0},
  };
  return table;
}

const KnownKind* find_known_kind(const std::vector<KnownKind>& table,
                                 std::string_view name) noexcept {
  for (const auto& k : table)
    if (k.name == name) return &k;
  return nullptr;
}

const KnownKind* find_known_kind(const std::vector<KnownKind>& table, wire::KindId id) noexcept {
  for (const auto& k : table)
    if (k.id == id) return &k;
  return nullptr;
}

}  // namespace reload::config
