#include "config/configuration.hpp"

#include <doctest/doctest.h>

#include "config_test_support.hpp"

using namespace reload;
using namespace reload::config;

TEST_CASE("the RFC's defaults") {
  Configuration c;
  CHECK(c.topology_plugin == "CHORD-RELOAD");
  CHECK(c.node_id_length == 16);
  CHECK(c.max_message_size == 5000);
  CHECK(c.initial_ttl == 100);
  CHECK(c.overlay_reliability_timer == std::chrono::milliseconds(3000));
  CHECK(c.turn_density == 1);
  CHECK(c.clients_permitted);
  CHECK_FALSE(c.no_ice);
  CHECK(c.chord_reactive);
  CHECK(c.chord_ping_interval == std::chrono::seconds(3600));
  CHECK(c.chord_update_interval == std::chrono::seconds(600));
  CHECK(c.overlay_link_protocols == std::vector<std::string>{"TLS"});
  CHECK_FALSE(c.self_signed_permitted);
  CHECK(c.self_signed_digest == wire::HashAlgorithm::sha1);
  CHECK_FALSE(c.expired(Configuration::Clock::now()));
  CHECK(BootstrapNode{}.port == 6084);
}

TEST_CASE("Kinds: lookup and the codec's data models") {
  Configuration c;
  KindDefinition xmpp;
  xmpp.id = 5;
  xmpp.name = "XMPP-LOCATION";
  xmpp.data_model = wire::DataModel::dictionary;
  KindDefinition priv;
  priv.id = 4000;
  priv.data_model = wire::DataModel::array;
  c.kinds = {xmpp, priv};

  CHECK(c.find_kind(5)->name == "XMPP-LOCATION");
  CHECK(c.find_kind(4000)->data_model == wire::DataModel::array);
  CHECK(c.find_kind(6) == nullptr);
  CHECK(c.find_kind_by_name("XMPP-LOCATION")->id == 5);
  CHECK(c.find_kind_by_name("") == nullptr);

  auto models = c.data_models();
  CHECK(models.find(5) == wire::DataModel::dictionary);
  CHECK(models.find(4000) == wire::DataModel::array);
  CHECK_FALSE(models.find(1).has_value());  // not required by this overlay

  c.node_id_length = 20;
  c.max_message_size = 9000;
  auto ctx = c.codec_context(models);
  CHECK(ctx.node_id_length == 20);
  CHECK(ctx.max_message_size == 9000);
  CHECK(ctx.model_of(5) == wire::DataModel::dictionary);
}

TEST_CASE("signer lists, bad nodes and expiry") {
  Configuration c;
  c.configuration_signers = {test::node_id_of(1)};
  c.kind_signers = {test::node_id_of(2)};
  c.bad_nodes = {test::node_id_of(3)};
  CHECK(c.is_configuration_signer(test::node_id_of(1)));
  CHECK_FALSE(c.is_configuration_signer(test::node_id_of(2)));
  CHECK(c.is_kind_signer(test::node_id_of(2)));
  CHECK(c.is_bad_node(test::node_id_of(3)));
  CHECK_FALSE(c.is_bad_node(test::node_id_of(1)));

  auto now = Configuration::Clock::now();
  c.expiration = now;
  CHECK(c.expired(now));
  CHECK_FALSE(c.expired(now - std::chrono::seconds(1)));
}

TEST_CASE("the trust policy carries the overlay, roots and self-signed settings") {
  auto ca = test::make_ca("config test CA");
  Configuration c;
  c.instance_name = "xmpp.reload.test";
  c.root_certs = {ca.certificate()};
  c.self_signed_permitted = true;
  c.self_signed_digest = wire::HashAlgorithm::sha256;
  c.node_id_length = 20;
  auto p = c.trust_policy();
  CHECK(p.overlay == "xmpp.reload.test");
  REQUIRE(p.roots.size() == 1);
  CHECK(p.roots[0] == ca.certificate());
  CHECK(p.self_signed_permitted);
  CHECK(p.self_signed_digest == wire::HashAlgorithm::sha256);
  CHECK(p.node_id_length == 20);
}
