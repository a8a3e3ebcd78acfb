// Moves a stream's ICE flow out of libnice once the checks are over: when the agent reports
// "ready" (the nominated pair, the same at both ends), the pair's UDP socket becomes the
// node's own (SelectedPairChannel) and the agent is closed, so that the pseudo-TCP stream on
// top no longer pays a GLib main-loop iteration, the agent's lock and a thread hand-over per
// segment. Three steps, posted between the two threads, lose no datagram: on the home
// executor the HandoverChannel holds what is written; on the ICE thread the socket is
// duplicated and the agent closed (what arrives from then on waits in the kernel for the new
// reader); on the home executor the new channel takes over. A relayed or TCP pair stays with
// libnice (release()).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "transport/handover_channel.hpp"
#include "transport/ice_agent.hpp"

namespace reload::transport {

class IceExecutor;

struct IceFlowTakeoverOptions {
  IceCredentials local;       // this side's, to answer the peer's late checks
  std::string remote_ufrag;
  bool controlling = false;
};

class IceFlowTakeover : public std::enable_shared_from_this<IceFlowTakeover> {
 public:
  IceFlowTakeover(std::shared_ptr<IceExecutor> ice, boost::asio::any_io_executor home, std::weak_ptr<IceAgent> agent,
                  IceFlowTakeoverOptions options);

  // On the home executor, before on_ready() can have its effect there.
  void set_handover(std::weak_ptr<Handover> handover) { handover_ = std::move(handover); }
  // On the ICE thread, when the agent is ready; the first call only counts.
  void on_ready();

 private:
  void hold_then_take();                        // home executor
  void take();                                  // ICE thread
  void hand_over(std::optional<TakenIceFlow>);  // home executor

  std::shared_ptr<IceExecutor> ice_;
  boost::asio::any_io_executor home_;
  std::weak_ptr<IceAgent> agent_;
  IceFlowTakeoverOptions options_;
  std::weak_ptr<Handover> handover_;
  bool started_ = false;  // ICE thread
};

}  // namespace reload::transport
