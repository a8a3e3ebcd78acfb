// What an OverlayNode tells its owner besides its log: state changes an embedding
// application acts on (reload::Node's events, the daemon's status). Delivered on the node's
// executor, inside the node's own processing: a handler must not call back into the node
// other than to read it (post anything else).
#pragma once

#include <cstdint>
#include <optional>

#include "transport/ice_agent.hpp"
#include "wire/node_id.hpp"

namespace reload::node {

struct NodeEvent {
  enum class Type : std::uint8_t {
    joined,             // part of the ring: routes and stores for others from now on
    neighbors_changed,  // its predecessors or successors changed
    link_up,            // an overlay link to `peer`
    link_down,          // that link is gone
    app_attached,       // an AppAttach stream with `peer` is up (either side dialled); `pair` says how
    stopped,            // left (or crashed): nothing more comes
  };
  Type type = Type::joined;
  wire::NodeId peer{};                                // link_up, link_down, app_attached
  std::optional<transport::IceSelectedPair> pair{};   // app_attached, when libnice reported it
  std::uint16_t application = 0;                      // app_attached
};

}  // namespace reload::node
