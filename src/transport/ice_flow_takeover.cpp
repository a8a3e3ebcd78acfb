#include "transport/ice_flow_takeover.hpp"

#include <unistd.h>

#include <random>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>

#include "transport/ice_executor.hpp"
#include "transport/selected_pair_channel.hpp"

namespace reload::transport {

IceFlowTakeover::IceFlowTakeover(std::shared_ptr<IceExecutor> ice, boost::asio::any_io_executor home,
                                 std::weak_ptr<IceAgent> agent, IceFlowTakeoverOptions options)
    : ice_(std::move(ice)), home_(std::move(home)), agent_(std::move(agent)), options_(std::move(options)) {}

void IceFlowTakeover::on_ready() {
  if (std::exchange(started_, true)) return;
  asio::post(home_, [self = shared_from_this()] { self->hold_then_take(); });
}

void IceFlowTakeover::hold_then_take() {
  auto handover = handover_.lock();
  if (!handover) return;  // the stream is gone
  handover->hold();
  ice_->loop().post([self = shared_from_this()] { self->take(); });
}

void IceFlowTakeover::take() {
  std::optional<TakenIceFlow> taken;
  if (auto agent = agent_.lock()) {
    taken = agent->take_selected_flow();
    // From here on libnice reads the socket no more, and nothing it had read is left
    // unposted: what arrives waits in the kernel for the new reader.
    if (taken) agent->close();
  }
  asio::post(home_, [self = shared_from_this(), taken] { self->hand_over(taken); });
}

void IceFlowTakeover::hand_over(std::optional<TakenIceFlow> taken) {
  auto handover = handover_.lock();
  if (!taken) {
    if (handover) handover->release();
    return;
  }
  boost::system::error_code ec;
  asio::ip::udp::socket socket(home_);
  socket.assign(taken->remote.protocol(), taken->descriptor, ec);
  if (ec) ::close(taken->descriptor);
  if (!ec) socket.connect(taken->remote, ec);
  if (!handover) return;  // the socket closes with this scope
  if (ec) return handover->replace(nullptr);  // the agent is closed: the stream fails on its own
  // Only a role conflict would read it, and the roles were settled before "ready".
  std::random_device random;
  const std::uint64_t tie_breaker = (std::uint64_t{random()} << 32) | random();
  auto answerer = std::make_unique<IceCheckAnswerer>(options_.local.ufrag, options_.local.password,
                                                     options_.remote_ufrag, options_.controlling, tie_breaker);
  handover->replace(std::make_unique<SelectedPairChannel>(std::move(socket), std::move(answerer)));
}

}  // namespace reload::transport
