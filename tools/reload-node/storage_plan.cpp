#include "storage_plan.hpp"

#include <fmt/format.h>

#include "storage/access_control.hpp"
#include "storage/storage_config.hpp"
#include "wire/hashes.hpp"

namespace reload::tools {

namespace {

using Error = std::string;
using Form = ResourceRef::Form;

std::string kinds_of(const config::Configuration& c) {
  std::string out;
  for (const auto& k : c.kinds) {
    if (!out.empty()) out += ", ";
    out += k.name.empty() ? std::to_string(k.id) : fmt::format("{} ({})", k.name, k.id);
  }
  return out.empty() ? "none" : out;
}

boost::system::result<const config::KindDefinition*, Error> find_kind(const KindRef& ref,
                                                                      const config::Configuration& c) {
  const auto* def = ref.id ? c.find_kind(*ref.id) : c.find_kind_by_name(ref.name);
  if (def) return def;
  return fmt::format("the overlay has no Kind {} (its Kinds: {})", ref.id ? std::to_string(*ref.id) : ref.name,
                     kinds_of(c));
}

// The Resource-ID the operator means, hashed as the Kind's access control hashes it, so that
// `user` and `node` name exactly what this node may write.
boost::system::result<wire::ResourceId, Error> resource_of(const ResourceRef& ref, const storage::AccessRule& rule,
                                                           const crypto::Certificate& certificate,
                                                           const wire::NodeId& node_id) {
  switch (ref.form) {
    case Form::name: return wire::resource_id_of(ref.name, rule.resource_id_length);
    case Form::hex: return wire::ResourceId(ref.id);
    case Form::node: return wire::resource_id_of(node_id.bytes(), rule.resource_id_length);
    case Form::node_multiple:
      return storage::node_multiple_resource_id(node_id, ref.multiple, rule.resource_id_length);
    case Form::user: {
      // XMPP-LOCATION matches the id-on-xmppAddr, every other Kind the rfc822Name.
      const auto& names = rule.match_xmpp_address ? certificate.xmpp_addresses() : certificate.user_names();
      if (names.empty())
        return Error(rule.match_xmpp_address ? "this node's certificate has no XMPP address to hash"
                                             : "this node's certificate has no user name to hash");
      return wire::resource_id_of(names.front(), rule.resource_id_length);
    }
  }
  return Error("unknown resource form");
}

}  // namespace

wire::StoredDataValue StorageOperation::stored_value() const {
  wire::DataValue v{true, value};
  switch (model) {
    case wire::DataModel::single_value: return v;
    case wire::DataModel::array: return wire::ArrayEntry{index, v};
    case wire::DataModel::dictionary: return wire::DictionaryEntry{key, v};
  }
  return v;
}

wire::StoredDataSpecifier StorageOperation::fetch_everything() const {
  wire::StoredDataSpecifier s;
  s.kind = kind;
  switch (model) {
    case wire::DataModel::single_value: s.model_specifier = wire::SingleValueSpecifier{}; break;
    case wire::DataModel::array:
      s.model_specifier = wire::ArraySpecifier{{wire::ArrayRange{0, wire::array_last_index}}};
      break;
    case wire::DataModel::dictionary: s.model_specifier = wire::DictionarySpecifier{};  // no keys: all
  }
  return s;
}

boost::system::result<std::vector<StorageOperation>, std::string> plan_storage(
    const StorageCommands& commands, const config::Configuration& configuration,
    const crypto::Certificate& certificate, const wire::NodeId& node_id) {
  const auto storage_config = storage::StorageConfig::from(configuration);
  std::vector<StorageOperation> out;
  bool array_store = false, dictionary_store = false;
  for (const auto& c : commands.commands) {
    auto fail = [&](const Error& why) { return fmt::format("{}: {}", c.as_written, why); };
    auto def = find_kind(c.kind, configuration);
    if (!def) return fail(def.error());
    const auto rule = storage::access_rule(**def, storage_config);
    auto resource = resource_of(c.resource, rule, certificate, node_id);
    if (!resource) return fail(resource.error());

    StorageOperation op;
    op.action = c.action;
    op.as_written = c.as_written;
    op.kind = (*def)->id;
    op.kind_label = (*def)->name.empty() ? std::to_string(op.kind) : (*def)->name;
    op.model = (*def)->data_model;
    op.access = (*def)->access_control;
    op.resource = *resource;
    if (c.action == StorageCommand::Action::store) {
      op.value = c.value;
      op.lifetime = commands.lifetime;
      if (op.model == wire::DataModel::array) {
        array_store = true;
        op.index = commands.index.value_or(wire::array_last_index);
      } else if (op.model == wire::DataModel::dictionary) {
        dictionary_store = true;
        if (!commands.key) return fail(fmt::format("{} is a DICTIONARY Kind: give --key", op.kind_label));
        op.key = *commands.key;
      }
    }
    out.push_back(std::move(op));
  }
  if (commands.index && !array_store) return Error("--index applies to ARRAY Kinds, and no --store names one");
  if (commands.key && !dictionary_store) return Error("--key applies to DICTIONARY Kinds, and no --store names one");
  return out;
}

}  // namespace reload::tools
