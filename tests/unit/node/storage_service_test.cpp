// The node's storage service with a recording sender: hand-offs and replica stores are
// acknowledged before the data is demoted, and sent again until they are.
#include "node/storage_service.hpp"

#include <doctest/doctest.h>

#include "storage_fixtures.hpp"
#include "wire/ring.hpp"

using namespace reload;
using namespace reload::node;
using namespace reload::storage::test;

namespace {

struct Sent {
  wire::DestinationList to;
  ReplicaSender::Acknowledged done;
};

struct RecordingSender final : ReplicaSender {
  std::vector<Sent> sent;
  void send_store(wire::DestinationList to, wire::Buffer, std::vector<crypto::Certificate>,
                  Acknowledged done) override {
    sent.push_back({std::move(to), std::move(done)});
  }
};

config::Configuration configuration_for_tests() {
  config::Configuration c;
  c.instance_name = overlay;
  c.kinds = test_config().kinds;
  return c;
}

// A storage service whose peer is alone in the ring until the test gives it neighbors.
struct Peer {
  Bench bench;
  config::Configuration configuration = configuration_for_tests();
  RecordingSender sender;
  topology::NeighborTable neighbors{crypto::test::node(0xa0)};
  StorageService service{configuration, sender, neighbors, bench.cache};

  void store_as_alice(const wire::ResourceId& r) {
    wire::Message m;
    const auto value = bench.sign(bench.alice, r, single_kind, present("the only copy"), 1);
    const auto body = bench.keep(wire::encode_to_buffer(wire::StoreReq{r, 0, {{single_kind, 0, {value}}}}).value());
    m.contents.message_code = static_cast<std::uint16_t>(wire::MessageCode::store_req);
    m.contents.message_body = body;
    m.security.certificates = bench.certificates({&bench.alice});
    const auto signer = bench.alice.verified();
    auto reply = service.handle(IncomingRequest{m, signer, bench.alice.node_id, bench.alice.node_id, bench.now});
    REQUIRE(std::holds_alternative<Answer>(reply));
  }
};

}  // namespace

TEST_CASE("a hand-off nobody acknowledged leaves the data primary here, and is sent again") {
  Peer p;
  const auto r = p.bench.alice.user_resource();
  p.store_as_alice(r);
  REQUIRE(p.service.store().replica_number(r) == std::uint8_t{0});
  // A peer joins right at the resource: the resource is now its.
  const wire::NodeId joiner(r.bytes());
  p.neighbors.add(joiner);
  const auto t0 = p.bench.now;
  p.service.on_ring_changed(p.neighbors, t0);
  REQUIRE(p.sender.sent.size() == 1);
  CHECK(std::get<wire::NodeId>(p.sender.sent[0].to.front()) == joiner);
  CHECK(p.service.store().replica_number(r) == std::uint8_t{0});  // not demoted on sending

  // Another ring change while the answer is out sends nothing twice.
  p.service.on_ring_changed(p.neighbors, t0);
  CHECK(p.sender.sent.size() == 1);

  p.sender.sent[0].done(false, t0 + 3s);  // timed out
  CHECK(p.service.store().replica_number(r) == std::uint8_t{0});  // the only copy stays primary
  CHECK(p.service.unacknowledged() == 1);
  CHECK(p.service.periodic(t0 + 4s) == t0 + 3s + StorageService::retry_interval);
  CHECK(p.sender.sent.size() == 1);
  p.service.periodic(t0 + 8s);
  REQUIRE(p.sender.sent.size() == 2);  // sent again

  p.sender.sent[1].done(true, t0 + 9s);
  CHECK(p.service.store().replica_number(r) == std::uint8_t{1});  // now its first replica
  CHECK(p.service.unacknowledged() == 0);
  CHECK_FALSE(p.service.periodic(t0 + 20s));
}

TEST_CASE("a replica store that failed is sent again while the data is still ours") {
  Peer p;
  const auto r = p.bench.alice.user_resource();
  // A successor that will not answer.
  const wire::NodeId successor(wire::ring::add_power_of_two(wire::NodeId(r.bytes()), 100));
  p.neighbors = topology::NeighborTable(wire::ring::add_power_of_two(wire::NodeId(r.bytes()), 99));
  p.neighbors.add(successor);
  p.store_as_alice(r);
  REQUIRE(p.sender.sent.size() == 1);
  CHECK(std::get<wire::NodeId>(p.sender.sent[0].to.front()) == successor);
  p.sender.sent[0].done(false, p.bench.now);
  p.service.periodic(p.bench.now + StorageService::retry_interval);
  REQUIRE(p.sender.sent.size() == 2);
  p.sender.sent[1].done(true, p.bench.now + 6s);
  CHECK_FALSE(p.service.periodic(p.bench.now + 60s));
  CHECK(p.service.store().replica_number(r) == std::uint8_t{0});  // a replica store changes nothing here
}
