// What a simulated node asks of the network. The Overlay (overlay.hpp) carries it out on the
// OverlayChannel; a node never sees another node's object.
#pragma once

#include "wire/bytes.hpp"
#include "wire/node_id.hpp"

namespace reload::sim {

class LinkLayer {
 public:
  virtual ~LinkLayer() = default;
  // Sends `bytes` on the link from `from` to `to`. to == from delivers to the node itself,
  // later in the same instant (never inside the call). Lost silently when the link or the
  // peer is gone, as a crashed peer's packets are.
  virtual void send(const wire::NodeId& from, const wire::NodeId& to, wire::Buffer bytes) = 0;
  // Sets up a link from `dialler` to `answerer` (what ICE checks and the DTLS handshake do
  // after an Attach): both ends get SimNode::on_link_up() a few round trips later, or the
  // dialler gets on_link_failed() when the answerer is gone.
  virtual void connect(const wire::NodeId& dialler, const wire::NodeId& answerer) = 0;
};

}  // namespace reload::sim
