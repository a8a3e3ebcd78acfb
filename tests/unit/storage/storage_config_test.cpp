#include "storage/storage_config.hpp"

#include <doctest/doctest.h>

#include "config/configuration.hpp"

using namespace reload;
using namespace reload::storage;

namespace {
config::KindDefinition named(wire::KindId id, std::string name) {
  config::KindDefinition k;
  k.id = id;
  k.name = std::move(name);
  k.data_model = wire::DataModel::dictionary;
  k.access_control = config::AccessControl::user_node_match;
  k.max_count = 3;
  return k;
}
}  // namespace

TEST_CASE("from a configuration: overlay, Kinds, and XMPP-LOCATION by name") {
  config::Configuration c;
  c.instance_name = "overlay.example.org";
  c.node_id_length = 20;
  c.kinds = {named(1, "SIP-REGISTRATION"), named(77, "XMPP-LOCATION")};
  auto s = StorageConfig::from(c);
  CHECK(s.overlay == "overlay.example.org");
  CHECK(s.resource_id_length == 16);  // CHORD-RELOAD's 128 bits, whatever the Node-ID length
  CHECK(s.kinds.size() == 2);
  CHECK(s.xmpp_location_kind == 77);
  REQUIRE(s.find_kind(77));
  CHECK(s.find_kind(77)->max_count == 3);
  CHECK(s.find_kind(5) == nullptr);

  c.kinds = {named(1, "SIP-REGISTRATION")};
  CHECK(StorageConfig::from(c).xmpp_location_kind == wire::kinds::xmpp_location);
}
