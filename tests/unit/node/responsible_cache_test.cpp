#include "node/responsible_cache.hpp"

#include <doctest/doctest.h>

using namespace reload;
using namespace reload::node;
using namespace std::chrono_literals;

namespace {

wire::ResourceId resource(std::uint8_t b) { return wire::ResourceId(wire::Buffer(16, b)); }
wire::NodeId peer(std::uint8_t b) { return wire::NodeId(wire::Buffer(16, b)); }

}  // namespace

TEST_CASE("a learned responder is found until its lifetime is over") {
  ResponsibleCache cache(8, 60s);
  const ResponsibleCache::Clock::time_point t0{};
  CHECK_FALSE(cache.lookup(resource(1), t0).has_value());
  cache.learn(resource(1), peer(0xa1), t0);
  CHECK(cache.lookup(resource(1), t0 + 59s) == peer(0xa1));
  CHECK_FALSE(cache.lookup(resource(2), t0).has_value());
  CHECK_FALSE(cache.lookup(resource(1), t0 + 60s).has_value());
  CHECK(cache.size() == 0);  // an expired entry goes when it is looked up
  CHECK(cache.forgotten() == 0);
}

TEST_CASE("learning again replaces the responder and restarts the lifetime") {
  ResponsibleCache cache(8, 60s);
  const ResponsibleCache::Clock::time_point t0{};
  cache.learn(resource(1), peer(0xa1), t0);
  cache.learn(resource(1), peer(0xb2), t0 + 50s);
  CHECK(cache.size() == 1);
  CHECK(cache.lookup(resource(1), t0 + 100s) == peer(0xb2));
}

TEST_CASE("forget removes the entry and counts it; forgetting the unknown counts nothing") {
  ResponsibleCache cache(8, 60s);
  const ResponsibleCache::Clock::time_point t0{};
  cache.learn(resource(1), peer(0xa1), t0);
  cache.forget(resource(1));
  cache.forget(resource(9));
  CHECK_FALSE(cache.lookup(resource(1), t0).has_value());
  CHECK(cache.forgotten() == 1);
}

TEST_CASE("clear forgets everything without counting it") {
  ResponsibleCache cache(8, 60s);
  cache.learn(resource(1), peer(0xa1), {});
  cache.learn(resource(2), peer(0xa2), {});
  cache.clear();
  CHECK(cache.size() == 0);
  CHECK_FALSE(cache.lookup(resource(1), {}).has_value());
  CHECK(cache.forgotten() == 0);
  cache.learn(resource(3), peer(0xa3), {});  // still usable
  CHECK(cache.lookup(resource(3), {}) == peer(0xa3));
}

TEST_CASE("when full, the least recently used entry goes") {
  ResponsibleCache cache(2, 60s);
  const ResponsibleCache::Clock::time_point t0{};
  cache.learn(resource(1), peer(0xa1), t0);
  cache.learn(resource(2), peer(0xa2), t0);
  CHECK(cache.lookup(resource(1), t0).has_value());  // 2 is now the least recently used
  cache.learn(resource(3), peer(0xa3), t0);
  CHECK(cache.size() == 2);
  CHECK(cache.lookup(resource(1), t0) == peer(0xa1));
  CHECK_FALSE(cache.lookup(resource(2), t0).has_value());
  CHECK(cache.lookup(resource(3), t0) == peer(0xa3));
}

TEST_CASE("a cache of capacity 0 keeps nothing") {
  ResponsibleCache cache(0, 60s);
  cache.learn(resource(1), peer(0xa1), {});
  CHECK(cache.size() == 0);
  CHECK_FALSE(cache.lookup(resource(1), {}).has_value());
}
