// Messages for a peer this node is attaching to, in a range the node itself would otherwise
// answer for. Right after a join the node knows of its new neighbors before their links are
// up; a request to one of them (an AppAttach to a device just looked up) was refused with
// host_unreachable, since the key fell in the node's own range as its links drew it. Such a
// message now waits for the link (sent as soon as it is up) for at most `wait`. Bounded
// (DESIGN.md principle 5): `per_peer` messages per peer, `in_all` in all; past the bounds, or
// after the wait, the message is dropped and the sender's request retransmits or times out.
// Sans-I/O.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "wire/bytes.hpp"
#include "wire/node_id.hpp"

namespace reload::node {

class MessagesAwaitingLink {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit MessagesAwaitingLink(std::chrono::milliseconds wait = std::chrono::seconds(2), std::size_t per_peer = 16,
                                std::size_t in_all = 64)
      : wait_(wait), per_peer_(per_peer), in_all_(in_all) {}

  // False when a bound is reached: the caller says the host is unreachable, as before.
  bool hold(const wire::NodeId& peer, wire::Bytes message, TimePoint now);
  // What waits for `peer`, in the order it came; forgotten here.
  std::vector<wire::Buffer> take(const wire::NodeId& peer);
  // Drops what waited past its time; returns when the next wait ends, if any.
  std::optional<TimePoint> expire(TimePoint now);

  std::size_t size() const noexcept { return count_; }

 private:
  struct Held {
    wire::Buffer message;
    TimePoint until;
  };
  std::chrono::milliseconds wait_;
  std::size_t per_peer_;
  std::size_t in_all_;
  std::size_t count_ = 0;
  std::map<wire::NodeId, std::deque<Held>> held_;
};

}  // namespace reload::node
