#include "node/forwarding_decision.hpp"

#include <set>

#include <doctest/doctest.h>

#include "wire/hashes.hpp"
#include "wire/message.hpp"
#include "wire/ring.hpp"

using namespace reload;
using namespace reload::node;
using wire::NodeId;

namespace {

NodeId id(const char* hex) { return *NodeId::from_hex(hex); }

const NodeId self_id = id("40000000000000000000000000000000");
const NodeId pred_id = id("30000000000000000000000000000000");
const NodeId succ_id = id("50000000000000000000000000000000");
const NodeId far_id = id("90000000000000000000000000000000");

// A peer at 0x40.. whose predecessor is 0x30.., linked to 0x30.., 0x50.. and 0x90.. .
class FakeOracle : public RoutingOracle {
 public:
  const NodeId& self() const override { return self_id; }
  bool responsible_for(const NodeId& key) const override {
    return wire::ring::in_half_open(key, pred_id, self_id);
  }
  std::optional<NodeId> next_hop(const NodeId& key) const override {
    if (wire::ring::in_half_open(key, self_id, succ_id)) return succ_id;
    return far_id;
  }
  bool connected(const NodeId& peer) const override { return links.contains(peer); }
  std::set<NodeId> links{pred_id, succ_id, far_id};
};

struct Built {
  wire::Buffer bytes;
  wire::HeaderView header;
};

Built message(wire::DestinationList destinations, std::uint8_t ttl = 100,
              std::vector<wire::ForwardingOption> options = {}) {
  wire::Message m;
  m.header.overlay = wire::overlay_hash("overlay.example.org");
  m.header.ttl = ttl;
  m.header.transaction_id = 7;
  m.header.destination_list = std::move(destinations);
  m.header.options = std::move(options);
  m.contents.message_code = 0x17;  // ping_req
  Built b{wire::encode_message(m).value(), {}};
  b.header = wire::peek_header(b.bytes).value();
  return b;
}

LocalPolicy policy() {
  LocalPolicy p;
  p.overlay = wire::overlay_hash("overlay.example.org");
  return p;
}

// By value: the decision is usually a temporary.
template <class T>
T as(const ForwardingDecision& d) {
  REQUIRE(std::holds_alternative<T>(d));
  return std::get<T>(d);
}

}  // namespace

TEST_CASE("a Node-ID destination equal to self is delivered; others are forwarded") {
  FakeOracle o;
  auto m = message({self_id});
  CHECK(as<decision::Deliver>(decide(m.header, policy(), o)).pop == 0);
  auto f = message({id("a0000000000000000000000000000000")});
  CHECK(as<decision::Forward>(decide(f.header, policy(), o)).next_hop == far_id);
  auto direct = message({succ_id});
  CHECK(as<decision::Forward>(decide(direct.header, policy(), o)).next_hop == succ_id);
}

TEST_CASE("source routing: leading entries naming this node are popped") {
  FakeOracle o;
  auto m = message({self_id, succ_id, far_id});
  auto d = decide(m.header, policy(), o);
  const auto& f = as<decision::Forward>(d);
  CHECK(f.pop == 1);
  CHECK(f.next_hop == succ_id);
  auto twice = message({self_id, self_id});
  CHECK(as<decision::Deliver>(decide(twice.header, policy(), o)).pop == 1);
}

TEST_CASE("a Resource-ID in our range is delivered, elsewhere forwarded, and must be last") {
  FakeOracle o;
  // The Resource-ID's ring point is its own bytes here (16 bytes).
  auto mine = message({wire::ResourceId(id("38000000000000000000000000000000").bytes())});
  CHECK(std::holds_alternative<decision::Deliver>(decide(mine.header, policy(), o)));
  auto other = message({wire::ResourceId(id("48000000000000000000000000000000").bytes())});
  CHECK(as<decision::Forward>(decide(other.header, policy(), o)).next_hop == succ_id);
  // Section 6.1.1: a Resource-ID followed by more entries is dropped silently.
  auto not_last = message({wire::ResourceId(id("38000000000000000000000000000000").bytes()), far_id});
  CHECK(std::holds_alternative<decision::Drop>(decide(not_last.header, policy(), o)));
}

TEST_CASE("the wildcard Node-ID is consumed here") {
  FakeOracle o;
  auto m = message({NodeId::wildcard()});
  CHECK(std::holds_alternative<decision::Deliver>(decide(m.header, policy(), o)));
}

TEST_CASE("a Node-ID in our range that is neither us nor linked is dropped silently") {
  FakeOracle o;
  auto m = message({id("3f000000000000000000000000000000")});
  CHECK(std::holds_alternative<decision::Drop>(decide(m.header, policy(), o)));
  o.links.insert(id("3f000000000000000000000000000000"));  // a client of ours
  CHECK(std::holds_alternative<decision::Forward>(decide(m.header, policy(), o)));
}

TEST_CASE("header checks: overlay, size, TTL") {
  FakeOracle o;
  auto m = message({far_id});
  auto other = policy();
  other.overlay ^= 1;
  CHECK(as<decision::Reject>(decide(m.header, other, o)).error == errc::invalid_message);
  auto small = policy();
  small.max_message_size = static_cast<std::uint32_t>(m.bytes.size() - 1);
  CHECK(as<decision::Reject>(decide(m.header, small, o)).error == errc::message_too_large);
  auto high = message({far_id}, 101);
  CHECK(as<decision::Reject>(decide(high.header, policy(), o)).error == errc::ttl_exceeded);
  auto spent = message({far_id}, 0);
  CHECK(as<decision::Reject>(decide(spent.header, policy(), o)).error == errc::ttl_exceeded);
  auto spent_here = message({self_id}, 0);  // TTL 0 is fine for a message that ends here
  CHECK(std::holds_alternative<decision::Deliver>(decide(spent_here.header, policy(), o)));
}

TEST_CASE("unknown forwarding options are refused only when marked critical for our role") {
  FakeOracle o;
  wire::Buffer none;
  std::vector<wire::ForwardingOption> fwd{{9, wire::option_flags::forward_critical, none}};
  std::vector<wire::ForwardingOption> dst{{9, wire::option_flags::destination_critical, none}};
  std::vector<wire::ForwardingOption> plain{{9, 0, none}};
  CHECK(as<decision::Reject>(decide(message({far_id}, 100, fwd).header, policy(), o)).error ==
        errc::unsupported_forwarding_option);
  CHECK(std::holds_alternative<decision::Deliver>(decide(message({self_id}, 100, fwd).header, policy(), o)));
  CHECK(as<decision::Reject>(decide(message({self_id}, 100, dst).header, policy(), o)).error ==
        errc::unsupported_forwarding_option);
  CHECK(std::holds_alternative<decision::Forward>(decide(message({far_id}, 100, dst).header, policy(), o)));
  CHECK(std::holds_alternative<decision::Forward>(decide(message({far_id}, 100, plain).header, policy(), o)));
}

TEST_CASE("opaque destinations this node never made are dropped") {
  FakeOracle o;
  auto m = message({wire::CompressedId{0x8123}});
  CHECK(std::holds_alternative<decision::Drop>(decide(m.header, policy(), o)));
}

TEST_CASE("configuration sequence numbers compare as serial numbers") {
  CHECK_FALSE(check_configuration_sequence(22, 22, false));
  CHECK(check_configuration_sequence(21, 22, false) == errc::config_too_old);
  CHECK(check_configuration_sequence(23, 22, false) == errc::config_too_new);
  CHECK(check_configuration_sequence(65534, 2, false) == errc::config_too_old);  // wrapped
  CHECK(check_configuration_sequence(3, 65530, false) == errc::config_too_new);
  CHECK_FALSE(check_configuration_sequence(65535, 22, true));
  CHECK(check_configuration_sequence(65535, 22, false) == errc::config_too_old);
}
