#include "config/configuration.hpp"

#include <algorithm>

namespace reload::config {

namespace {
bool contains(const std::vector<wire::NodeId>& list, const wire::NodeId& id) noexcept {
  return std::find(list.begin(), list.end(), id) != list.end();
}
}  // namespace

const KindDefinition* Configuration::find_kind(wire::KindId id) const noexcept {
  for (const auto& k : kinds)
    if (k.id == id) return &k;
  return nullptr;
}

const KindDefinition* Configuration::find_kind_by_name(std::string_view name) const noexcept {
  for (const auto& k : kinds)
    if (!k.name.empty() && k.name == name) return &k;
  return nullptr;
}

wire::DataModelTable Configuration::data_models() const {
  wire::DataModelTable table;
  for (const auto& k : kinds) table.set(k.id, k.data_model);
  return table;
}

wire::CodecContext Configuration::codec_context(
    const wire::DataModelTable& models) const noexcept {
  wire::CodecContext ctx;
  ctx.node_id_length = node_id_length;
  ctx.max_message_size = max_message_size;
  ctx.data_models = &models;
  return ctx;
}

crypto::TrustPolicy Configuration::trust_policy() const {
  crypto::TrustPolicy p;
  p.overlay = instance_name;
  p.roots = root_certs;
  p.self_signed_permitted = self_signed_permitted;
  p.self_signed_digest = self_signed_digest;
  p.node_id_length = node_id_length;
  return p;
}

bool Configuration::is_bad_node(const wire::NodeId& id) const noexcept {
  return contains(bad_nodes, id);
}
bool Configuration::is_configuration_signer(const wire::NodeId& id) const noexcept {
  return contains(configuration_signers, id);
}
bool Configuration::is_kind_signer(const wire::NodeId& id) const noexcept {
  return contains(kind_signers, id);
}

}  // namespace reload::config
