// A datagram channel whose flow moves once, from one channel to another, losing nothing on
// the way: an ICE flow first carried by libnice (IceChannel) and then by the node's own
// socket (SelectedPairChannel). The move has two steps, because the two channels live on
// different threads: hold() first (what is written from then on waits here), then, once the
// old carrier stopped for good, replace() (what it received and nobody read yet is read
// first, then what waited is written on the new one) or release() (no move after all: what
// waited is written on the old one).
//
// Bounds (DESIGN.md principle 5): at most `max_held` datagrams wait during the move; more are
// dropped, as a full socket buffer drops them, and the layer above retransmits.
#pragma once

#include <memory>
#include <utility>

#include "transport/byte_channel.hpp"

namespace reload::transport {

class Handover {
 public:
  virtual ~Handover() = default;
  // All three on the channel's executor; each once, hold() first.
  virtual void hold() = 0;
  virtual void replace(std::unique_ptr<ByteChannel> next) = 0;
  virtual void release() = 0;
};

// The channel, and the handle that moves it (gone once the channel is).
std::pair<std::unique_ptr<ByteChannel>, std::weak_ptr<Handover>> make_handover_channel(
    std::unique_ptr<ByteChannel> first, std::size_t max_held = 256);

}  // namespace reload::transport
