#include "node/recent_answers.hpp"

#include <variant>

namespace reload::node {

namespace {

std::size_t size_of(const Reply& r) {
  constexpr std::size_t entry_overhead = 128;  // the map node, the key and the queue entry
  if (const auto* a = std::get_if<Answer>(&r)) {
    std::size_t n = a->body.size() + entry_overhead;
    for (const auto& c : a->certificates) n += c.der().size();
    return n;
  }
  if (const auto* f = std::get_if<Refusal>(&r)) return f->error_info.size() + f->reason.size() + entry_overhead;
  return entry_overhead;  // Deferred
}

}  // namespace

const Reply* RecentAnswers::find(const wire::NodeId& sender, std::uint64_t transaction_id, TimePoint now) {
  expire(now);
  auto it = replies_.find({sender, transaction_id});
  return it == replies_.end() ? nullptr : &it->second.reply;
}

void RecentAnswers::remember(const wire::NodeId& sender, std::uint64_t transaction_id, Reply reply, TimePoint now) {
  expire(now);
  const std::size_t n = size_of(reply);
  if (n > max_bytes_) return;
  Key key{sender, transaction_id};
  if (replies_.contains(key)) return;
  while (bytes_ + n > max_bytes_ && !order_.empty()) drop_oldest();
  replies_.emplace(key, Entry{std::move(reply), n});
  order_.emplace_back(now, std::move(key));
  bytes_ += n;
}

void RecentAnswers::drop_oldest() {
  auto it = replies_.find(order_.front().second);
  if (it != replies_.end()) {
    bytes_ -= it->second.bytes;
    replies_.erase(it);
  }
  order_.pop_front();
}

void RecentAnswers::expire(TimePoint now) {
  while (!order_.empty() && order_.front().first + lifetime_ <= now) drop_oldest();
}

}  // namespace reload::node
