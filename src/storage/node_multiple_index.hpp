// NODE-MULTIPLE (RFC 6940 section 7.3.4) lets a Node-ID write H(Node-ID || i) for every i up
// to the Kind's max-node-multiple. A Store does not say which i it used, so checking it means
// hashing i = 0, 1, ... until one matches: up to max-node-multiple + 1 SHA-1s, for every
// value, at the responsible peer (twice: the value's signer and the request's) and at each
// replica. With max-node-multiple 1,800 that was most of a Store's time at the holders.
//
// This index keeps the hashes it computed, per Node-ID, so that a storer's later Stores find
// their i with one lookup. Bounded: at most `capacity` hashes over all Node-IDs; the least
// recently used Node-ID is forgotten first, and a Node-ID that alone would exceed the bound
// keeps what it has and is scanned past it as before. The answer is always exactly the linear
// scan's; only the work differs. Each hash is kept as its first 8 bytes in an open-addressing
// table (about 20 bytes a hash: 1,800 of them are 36 KiB, where full Resource-IDs in a node-based
// map took 150 KiB of every holder); a hit is confirmed by hashing that one i again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>

#include <boost/unordered/unordered_flat_map.hpp>

#include "wire/node_id.hpp"

namespace reload::storage {

class NodeMultipleIndex {
 public:
  explicit NodeMultipleIndex(std::size_t resource_id_length = 16, std::size_t capacity = 1 << 16);

  // Whether `resource` is H(node || i) for some i <= max_i.
  bool owns(const wire::NodeId& node, const wire::ResourceId& resource, std::uint32_t max_i);

  std::size_t size() const noexcept { return size_; }        // hashes kept
  std::size_t node_count() const noexcept { return by_node_.size(); }

 private:
  struct Scanned {
    wire::NodeId node;
    boost::unordered_flat_map<std::uint64_t, std::uint32_t> index_of;  // hash prefix -> i
    std::uint64_t next = 0;  // every i below this is in index_of
  };
  using Lru = std::list<Scanned>;  // most recently used first

  Scanned& touch(const wire::NodeId& node);
  bool make_room(const Scanned& keep);
  bool scan(const wire::NodeId& node, const wire::ResourceId& resource, std::uint64_t from, std::uint32_t max_i) const;

  std::size_t length_;
  std::size_t capacity_;
  std::size_t size_ = 0;
  Lru lru_;
  std::map<wire::NodeId, Lru::iterator> by_node_;
};

}  // namespace reload::storage
