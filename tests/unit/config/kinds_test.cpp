#include "config/kinds.hpp"

#include <doctest/doctest.h>

using namespace reload;
using namespace reload::config;

TEST_CASE("the standard Kinds by name and by id") {
  const auto& t = standard_kinds();
  auto check = [&](std::string_view name, wire::KindId id, wire::DataModel model, AccessControl ac) {
    CAPTURE(name);
    const auto* k = find_known_kind(t, name);
    REQUIRE(k);
    CHECK(k->id == id);
    CHECK(k->data_model == model);
    CHECK(k->access_control == ac);
    CHECK(find_known_kind(t, id) == k);
  };
  check("SIP-REGISTRATION", 1, wire::DataModel::dictionary, AccessControl::user_node_match);
  check("TURN-SERVICE", 2, wire::DataModel::single_value, AccessControl::node_multiple);
  check("CERTIFICATE_BY_NODE", 3, wire::DataModel::array, AccessControl::node_match);
  check("CERTIFICATE_BY_USER", 16, wire::DataModel::array, AccessControl::user_match);
  check("XMPP-LOCATION", 5, wire::DataModel::dictionary, AccessControl::user_node_match);
  CHECK(find_known_kind(t, "TURN-SERVICE")->max_node_multiple == 20);
  CHECK(find_known_kind(t, "xmpp-location") == nullptr);  // names are case-sensitive
  CHECK(find_known_kind(t, wire::KindId{4}) == nullptr);
}

TEST_CASE("data model and access control names round-trip") {
  for (auto m : {wire::DataModel::single_value, wire::DataModel::array, wire::DataModel::dictionary})
    CHECK(data_model_from_name(data_model_name(m)) == m);
  for (auto a : {AccessControl::user_match, AccessControl::node_match,
                 AccessControl::user_node_match, AccessControl::node_multiple})
    CHECK(access_control_from_name(access_control_name(a)) == a);
  CHECK_FALSE(data_model_from_name("single"));
  CHECK_FALSE(data_model_from_name("LIST"));
  CHECK_FALSE(access_control_from_name("ANYONE"));
}

TEST_CASE("same_definition ignores provenance") {
  KindDefinition a;
  a.id = 5;
  a.signed_text = "<kind id=\"5\">...</kind>";
  KindDefinition b = a;
  b.signed_text.clear();
  b.line = 40;
  CHECK(a.same_definition(b));
  b.max_size = 1;
  CHECK_FALSE(a.same_definition(b));
}
