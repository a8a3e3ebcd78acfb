#include "node/messages_awaiting_link.hpp"

#include <algorithm>

namespace reload::node {

bool MessagesAwaitingLink::hold(const wire::NodeId& peer, wire::Bytes message, TimePoint now) {
  auto& queue = held_[peer];
  if (count_ >= in_all_ || queue.size() >= per_peer_) {
    if (queue.empty()) held_.erase(peer);
    return false;
  }
  queue.push_back(Held{wire::Buffer(message.begin(), message.end()), now + wait_});
  ++count_;
  return true;
}

std::vector<wire::Buffer> MessagesAwaitingLink::take(const wire::NodeId& peer) {
  std::vector<wire::Buffer> out;
  auto it = held_.find(peer);
  if (it == held_.end()) return out;
  for (auto& h : it->second) out.push_back(std::move(h.message));
  count_ -= it->second.size();
  held_.erase(it);
  return out;
}

std::optional<MessagesAwaitingLink::TimePoint> MessagesAwaitingLink::expire(TimePoint now) {
  std::optional<TimePoint> next;
  for (auto it = held_.begin(); it != held_.end();) {
    auto& queue = it->second;
    while (!queue.empty() && queue.front().until <= now) {
      queue.pop_front();
      --count_;
    }
    if (queue.empty()) {
      it = held_.erase(it);
      continue;
    }
    next = next ? std::min(*next, queue.front().until) : queue.front().until;
    ++it;
  }
  return next;
}

}  // namespace reload::node
