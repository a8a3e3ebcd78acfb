#include "storage/storage_config.hpp"

#include "config/configuration.hpp"

namespace reload::storage {

StorageConfig StorageConfig::from(const config::Configuration& configuration) {
  StorageConfig c;
  c.overlay = configuration.instance_name;
  c.kinds = configuration.kinds;
  if (const auto* xmpp = configuration.find_kind_by_name("XMPP-LOCATION")) c.xmpp_location_kind = xmpp->id;
  return c;
}

const config::KindDefinition* StorageConfig::find_kind(wire::KindId id) const noexcept {
  for (const auto& k : kinds)
    if (k.id == id) return &k;
  return nullptr;
}

}  // namespace reload::storage
