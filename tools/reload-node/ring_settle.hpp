// Waits until a node has joined its overlay and its nearest neighbours have stopped moving,
// so that a one-shot Store goes to the peer that stays responsible (a Store sent while the
// ring around us still changes may land on a peer that hands the data on a moment later).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "node/overlay_node.hpp"

namespace reload::tools {

class RingSettleWatch {
 public:
  RingSettleWatch(boost::asio::any_io_executor ex, std::shared_ptr<const node::OverlayNode> node)
      : timer_(ex), node_(std::move(node)) {}

  // `done(true)` once the node has joined and its first predecessors and successors have been
  // the same for `quiet` (or, joined, when `deadline` passes first: the ring may never be
  // quiet under churn); `done(false)` when it has not joined by `deadline`.
  void start(std::chrono::milliseconds quiet, std::chrono::seconds deadline, std::function<void(bool joined)> done);
  void cancel() { timer_.cancel(); }

 private:
  using Clock = std::chrono::steady_clock;
  void poll();
  std::vector<wire::NodeId> neighbourhood() const;

  boost::asio::steady_timer timer_;
  std::shared_ptr<const node::OverlayNode> node_;
  std::function<void(bool)> done_;
  std::chrono::milliseconds quiet_{};
  Clock::time_point deadline_{};
  std::vector<wire::NodeId> last_seen_;
  Clock::time_point last_change_{};
};

}  // namespace reload::tools
