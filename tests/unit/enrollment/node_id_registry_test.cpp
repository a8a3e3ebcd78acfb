#include "node_id_registry.hpp"

#include <fstream>
#include <set>

#include <doctest/doctest.h>

#include "enrollment_fixture.hpp"

using namespace reload;
using namespace reload::enroll;
namespace fs = std::filesystem;
namespace test = reload::test;

namespace {
struct TempDir {
  fs::path dir = fs::temp_directory_path() / ("reload-registry-test-" + std::to_string(::getpid()));
  TempDir() {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~TempDir() { fs::remove_all(dir); }
};
}  // namespace

TEST_CASE("fresh Node-IDs are random, of the overlay's length, and remembered per user") {
  TempDir t;
  auto reg = test::must(NodeIdRegistry::load(t.dir / "issued", 16));
  auto a = test::must(reg.assign("alice", 2));
  REQUIRE(a.size() == 2);
  CHECK(a[0].size() == 16);
  CHECK(a[0] != a[1]);
  CHECK_FALSE(a[0].is_wildcard());
  // A returning user gets the same ones, the first `count` of them; more when it asks.
  CHECK(test::must(reg.assign("alice", 1)) == std::vector<wire::NodeId>{a[0]});
  CHECK(test::must(reg.assign("alice", 2)) == a);
  auto three = test::must(reg.assign("alice", 3));
  CHECK(std::vector<wire::NodeId>(three.begin(), three.begin() + 2) == a);
  CHECK(reg.issued_to("alice") == three);
  CHECK(reg.issued_to("nobody").empty());

  auto long_reg = test::must(NodeIdRegistry::load(t.dir / "issued20", 20));
  CHECK(test::must(long_reg.assign("x", 1))[0].size() == 20);
}

TEST_CASE("a Node-ID is never given to two users") {
  TempDir t;
  auto reg = test::must(NodeIdRegistry::load(t.dir / "issued", 16));
  std::set<wire::NodeId> seen;
  for (int u = 0; u < 200; ++u)
    for (const auto& id : test::must(reg.assign("user" + std::to_string(u), 4))) CHECK(seen.insert(id).second);
  CHECK(seen.size() == 800);
  CHECK(reg.issued_count() == 800);
}

TEST_CASE("the registry survives a restart, and a damaged one stops the server") {
  TempDir t;
  auto file = t.dir / "issued";
  std::vector<wire::NodeId> alice, bob;
  {
    auto reg = test::must(NodeIdRegistry::load(file, 16));
    alice = test::must(reg.assign("alice", 2));
    bob = test::must(reg.assign("bob", 1));
  }
  auto again = test::must(NodeIdRegistry::load(file, 16));
  CHECK(again.issued_to("alice") == alice);
  CHECK(test::must(again.assign("bob", 1)) == bob);
  CHECK(again.issued_count() == 3);

  auto load_error = [&](const std::string& text, std::size_t length = 16) {
    std::ofstream(t.dir / "bad") << text;
    auto r = NodeIdRegistry::load(t.dir / "bad", length);
    REQUIRE_FALSE(r.has_value());
    return r.error();
  };
  const std::string id = alice[0].hex();
  const std::string bad = (t.dir / "bad").string();
  CHECK(load_error("alice " + id + "\n") == bad + ":1: expected USER<TAB>NODE-ID of 16 bytes");
  CHECK(load_error("# c\nalice\tnothex\n") == bad + ":2: expected USER<TAB>NODE-ID of 16 bytes");
  CHECK(load_error("\t" + id + "\n") == bad + ":1: expected USER<TAB>NODE-ID of 16 bytes");
  CHECK(load_error("alice\t" + id + "\n", 20) == bad + ":1: expected USER<TAB>NODE-ID of 20 bytes");
  CHECK(load_error("alice\t" + id + "\nbob\t" + id + "\n") == bad + ":2: Node-ID issued twice");
}

TEST_CASE("when the registry cannot be written, nothing is handed out") {
  TempDir t;
  auto sub = t.dir / "gone";
  fs::create_directories(sub);
  auto reg = test::must(NodeIdRegistry::load(sub / "issued", 16));
  fs::remove_all(sub);  // the file cannot be written any more
  CHECK_FALSE(reg.assign("alice", 1).has_value());
  CHECK(reg.issued_to("alice").empty());
  CHECK(reg.issued_count() == 0);
}
