// What stands behind reload::Node (include/reload/node.hpp), shared with the XMPP endpoint,
// which runs on the Impl's OverlayNode.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "api/identity.hpp"
#include "node/overlay_node.hpp"
#include "reload/node.hpp"

namespace reload::transport {
class IceExecutor;
}

namespace reload {

// An XMPP endpoint as its node sees it: stopped before the node leaves, dropped with it.
class NodeUser {
 public:
  virtual ~NodeUser() = default;
  // Removes what it published in the overlay; `done` after.
  virtual void stop_for_node(std::function<void()> done) = 0;
  virtual void abandon_for_node() = 0;
};

struct Node::Impl : std::enable_shared_from_this<Node::Impl> {
  Impl(boost::asio::any_io_executor executor, NodeOptions options);

  // Formats and hands a line to options.log when `level` is wanted.
  void say(LogLevel level, std::string_view line) const;
  bool wants(LogLevel level) const noexcept { return options.log && level >= options.log_level; }
  // Hands the event to options.on_event, posted.
  void tell(NodeEvent event);
  // The identity is here (or could not be had): listen and join.
  void begin(boost::system::result<api::NodeIdentity, std::string> identity);
  void finish_start(boost::system::error_code ec);
  void fail(boost::system::error_code ec, std::string why);
  // Drops everything at once (~Node): no Leave, no location removal.
  void abandon();

  boost::asio::any_io_executor executor;
  NodeOptions options;
  State state = State::idle;
  std::string error;
  std::optional<api::NodeIdentity> identity;
  std::shared_ptr<transport::IceExecutor> ice;
  std::shared_ptr<node::OverlayNode> node;
  std::thread identity_thread;  // reads or makes the identity off the caller's executor
  boost::asio::steady_timer join_timer;
  std::function<void(boost::system::error_code)> start_done;
  bool stop_requested = false;
  std::vector<std::function<void()>> on_stopped;  // stop() callers while the identity is read
  std::vector<std::function<void()>> on_joined;  // run once, when the node has joined
  std::vector<std::weak_ptr<NodeUser>> users;  // endpoints, stopped before the node leaves
  // The live ones, forgetting the gone.
  std::vector<std::shared_ptr<NodeUser>> live_users();
};

}  // namespace reload
