// Which peer last answered for a Resource-ID, so that the next request for it can name that
// peer first: the Destination List [Node-ID, Resource-ID], a source route RFC 6940 section
// 6.2.1 allows. Routing toward a Node-ID ends at the first peer linked to it (section 6.1.2);
// routing toward a Resource-ID always passes the responsible peer's predecessor first
// (section 10.3), so a named request and its answer cross fewer links: 1.36 against 2.37
// hops for the same Pings in the 32-node ring of tests/integration/in_process/ring_of_32.cpp.
//
// A Resource-ID never asked for can still be named: when P answered for R, P's range
// (its predecessor, P] holds R and so all of [R, P]; a resource in there is P's too. lookup()
// falls back to the nearest entry before the resource on the ring and names its responder
// when the resource lies between the two. A client that talks to many resources (a game
// looking up many users) thus names the right peer for most new ones as well.
//
// A named peer that is no longer responsible pops its entry and routes on toward the
// Resource-ID (section 6.1.1), so a join costs nothing but hops. A named peer that has left
// makes the request vanish: the peer that took over its range drops a message for a Node-ID
// it does not know (section 6.1.1). That is why entries expire, and why the storage client
// asks again by Resource-ID alone when a named request goes unanswered (storage_client.cpp).
//
// Sans-I/O: the caller passes the time. Least recently used entries go first when full.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <optional>

#include "wire/node_id.hpp"

namespace reload::node {

class ResponsibleCache {
 public:
  using Clock = std::chrono::steady_clock;

  ResponsibleCache(std::size_t capacity, Clock::duration lifetime) : capacity_(capacity), lifetime_(lifetime) {}

  // The peer that answered for `resource` within the lifetime, or whose range is known to
  // hold it, if any.
  std::optional<wire::NodeId> lookup(const wire::ResourceId& resource, Clock::time_point now);
  // `responder` answered a request for `resource` at `now`.
  void learn(const wire::ResourceId& resource, const wire::NodeId& responder, Clock::time_point now);
  // A request that named the cached peer went unanswered: the entry lookup() used goes.
  void forget(const wire::ResourceId& resource);
  // Forgets everything without counting it (a user that wants fresh routes).
  void clear() noexcept;

  std::size_t size() const noexcept { return index_.size(); }
  // How many entries forget() removed: named requests that had to be asked again.
  std::uint64_t forgotten() const noexcept { return forgotten_; }

 private:
  struct Entry {
    wire::ResourceId resource;
    wire::NodeId responder;
    Clock::time_point learned;
  };
  using Order = std::list<Entry>;  // most recently used first

  using Index = std::map<wire::ResourceId, Order::iterator>;
  void erase(Index::iterator it);
  // The entry whose responder covers `resource`, or end(); with `now`, only a live one.
  Index::iterator covering(const wire::ResourceId& resource, std::optional<Clock::time_point> now);

  std::size_t capacity_;
  Clock::duration lifetime_;
  Order order_;
  Index index_;  // in ring order
  std::uint64_t forgotten_ = 0;
};

}  // namespace reload::node
