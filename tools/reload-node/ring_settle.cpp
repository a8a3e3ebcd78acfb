#include "ring_settle.hpp"

namespace reload::tools {

namespace {
constexpr std::chrono::milliseconds poll_interval{100};
}  // namespace

void RingSettleWatch::start(std::chrono::milliseconds quiet, std::chrono::seconds deadline,
                            std::function<void(bool)> done) {
  done_ = std::move(done);
  quiet_ = quiet;
  deadline_ = Clock::now() + deadline;
  last_seen_ = neighbourhood();
  last_change_ = Clock::now();
  poll();
}

// Predecessors then successors: what decides which keys this node and its neighbours hold.
std::vector<wire::NodeId> RingSettleWatch::neighbourhood() const {
  const auto& n = node_->chord().neighbors();
  std::vector<wire::NodeId> ids = n.predecessors();
  ids.push_back(wire::NodeId{});  // keeps "pred A" apart from "succ A"
  ids.insert(ids.end(), n.successors().begin(), n.successors().end());
  return ids;
}

void RingSettleWatch::poll() {
  const auto now = Clock::now();
  const auto state = node_->chord().state();
  if (state == topology::Chord::State::left) return done_(false);
  if (state == topology::Chord::State::joined) {
    if (auto seen = neighbourhood(); seen != last_seen_) {
      last_seen_ = std::move(seen);
      last_change_ = now;
    }
    if (now - last_change_ >= quiet_ || now >= deadline_) return done_(true);
  } else {
    last_change_ = now;  // the quiet period starts once joined
    if (now >= deadline_) return done_(false);
  }
  timer_.expires_after(poll_interval);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) poll();
  });
}

}  // namespace reload::tools
