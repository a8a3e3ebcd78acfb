#include "xmpp/device_mesh.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

using namespace reload::xmpp;

namespace {
const char* const alice = "alice@example.org";
const char* const bob = "bob@example.org";
const char* const carol = "carol@example.org";

DeviceLink link(LinkId id, const char* user, const char* node, std::uint8_t priority) {
  return DeviceLink{id, user, "r" + std::to_string(id), node, priority};
}

bool contains(const std::vector<LinkId>& ids, LinkId id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}
}  // namespace

TEST_CASE("within the budget nothing is closed") {
  std::vector<DeviceLink> links{link(1, alice, "a2", 10), link(2, bob, "b1", 10),
                                link(3, bob, "b2", 20)};
  auto plan = plan_device_mesh(alice, "a1", links, {}, 3);
  CHECK(plan.close.empty());
  CHECK(plan.over_budget == 0);
}

TEST_CASE("over the budget, other users' links close from the biggest priority down") {
  std::vector<DeviceLink> links{
      link(1, alice, "a2", 200), link(2, alice, "a3", 250),  // own: never closed
      link(3, bob, "b1", 10),    link(4, bob, "b2", 50),    link(5, bob, "b3", 90),
      link(6, carol, "c1", 5),   link(7, carol, "c2", 70),
  };
  auto plan = plan_device_mesh(alice, "a1", links, {}, 5);
  CHECK(plan.close == std::vector<LinkId>{5, 7});  // priorities 90 then 70
  CHECK(plan.over_budget == 0);

  plan = plan_device_mesh(alice, "a1", links, {}, 4);
  CHECK(plan.close == std::vector<LinkId>{5, 7, 4});
  CHECK(plan.over_budget == 0);
}

TEST_CASE("own links and each user's preferred link are never closed") {
  std::vector<DeviceLink> links{
      link(1, alice, "a2", 255), link(2, alice, "a3", 254), link(3, bob, "b1", 1),
      link(4, bob, "b2", 2),     link(5, carol, "c1", 200),
  };
  auto plan = plan_device_mesh(alice, "a1", links, {}, 0);
  CHECK(plan.close == std::vector<LinkId>{4});
  CHECK(plan.over_budget == 4);  // 2 own + 1 bob + 1 carol remain
  CHECK_FALSE(contains(plan.close, 1));
  CHECK_FALSE(contains(plan.close, 2));
  CHECK_FALSE(contains(plan.close, 3));
  CHECK_FALSE(contains(plan.close, 5));
}

TEST_CASE("equal priorities: the newer link goes first, the older one is kept") {
  std::vector<DeviceLink> links{link(7, bob, "b1", 10), link(3, bob, "b2", 10),
                                link(9, bob, "b3", 10)};
  auto plan = plan_device_mesh(alice, "a1", links, {}, 1);
  CHECK(plan.close == std::vector<LinkId>{9, 7});
}

TEST_CASE("own devices without a link are to be connected, preferred first") {
  std::vector<DeviceLink> links{link(1, alice, "a2", 20), link(2, bob, "a4", 1)};
  std::vector<LocatedDevice> records{
      {"a1", 0},                           // this device
      {"a2", 20},                          // already linked
      {"a5", 90}, {"a3", 30}, {"a4", 40},  // a4 is a bob node id here: still not linked as own
      {"a3", 30},                          // listed twice
  };
  auto plan = plan_device_mesh(alice, "a1", links, records, 10);
  CHECK(plan.connect == std::vector<std::string>{"a3", "a4", "a5"});
  CHECK(plan.close.empty());
}
