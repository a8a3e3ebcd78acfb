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
  CHECK_FALSE(cache.lookup(resource(0xb0), t0).has_value());  // past 0xa1: not known to be its
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
  // Each responder at its resource: no entry covers another's.
  cache.learn(resource(1), peer(1), t0);
  cache.learn(resource(2), peer(2), t0);
  CHECK(cache.lookup(resource(1), t0).has_value());  // 2 is now the least recently used
  cache.learn(resource(3), peer(3), t0);
  CHECK(cache.size() == 2);
  CHECK(cache.lookup(resource(1), t0) == peer(1));
  CHECK_FALSE(cache.lookup(resource(2), t0).has_value());
  CHECK(cache.lookup(resource(3), t0) == peer(3));
}

TEST_CASE("a cache of capacity 0 keeps nothing") {
  ResponsibleCache cache(0, 60s);
  cache.learn(resource(1), peer(0xa1), {});
  CHECK(cache.size() == 0);
  CHECK_FALSE(cache.lookup(resource(1), {}).has_value());
}

TEST_CASE("a resource between an answered one and its responder is that responder's too") {
  ResponsibleCache cache(8, 60s);
  const ResponsibleCache::Clock::time_point t0{};
  cache.learn(resource(0x10), peer(0x40), t0);  // 0x40 holds 0x10, so all of [0x10, 0x40]
  CHECK(cache.lookup(resource(0x20), t0) == peer(0x40));
  CHECK(cache.lookup(resource(0x40), t0) == peer(0x40));
  CHECK_FALSE(cache.lookup(resource(0x41), t0).has_value());  // past the responder: unknown
  CHECK_FALSE(cache.lookup(resource(0x0f), t0).has_value());  // before what it answered for
  // Round the end of the ring: 0xf0 was answered by 0x08.
  cache.learn(resource(0xf0), peer(0x08), t0);
  CHECK(cache.lookup(resource(0xff), t0) == peer(0x08));
  CHECK(cache.lookup(resource(0x05), t0) == peer(0x08));
  CHECK(cache.lookup(resource(0x09), t0) == std::nullopt);
  // The nearest entry decides: 0x30 answered by 0x38 (a peer that joined) narrows the guess.
  cache.learn(resource(0x30), peer(0x38), t0);
  CHECK(cache.lookup(resource(0x35), t0) == peer(0x38));
  CHECK(cache.lookup(resource(0x3c), t0) == std::nullopt);
  // An unanswered named request forgets the entry the guess came from.
  cache.forget(resource(0x32));
  CHECK(cache.forgotten() == 1);
  CHECK(cache.lookup(resource(0x35), t0) == peer(0x40));  // back to the wider entry
  // Expired entries guess nothing.
  CHECK_FALSE(cache.lookup(resource(0x20), t0 + 60s).has_value());
}
