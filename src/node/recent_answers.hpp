// Replies to requests that must not be carried out twice (RFC 6940 section 6.2.1: a node
// that receives a retransmission within the 15 s request lifetime must answer it the same
// way; a Store carried out twice would store twice and move the generation counter twice).
// Kept by (signer, transaction id) for the request lifetime, within a byte bound, so that
// a peer cannot make the node keep more than that however fast it sends; past the bound
// the oldest go first. Sans-I/O.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <utility>

#include "node/method_handler.hpp"

namespace reload::node {

class RecentAnswers {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  RecentAnswers(std::chrono::milliseconds lifetime, std::size_t max_bytes)
      : lifetime_(lifetime), max_bytes_(max_bytes) {}

  // The reply given to this request, if it came within its lifetime.
  const Reply* find(const wire::NodeId& sender, std::uint64_t transaction_id, TimePoint now);
  void remember(const wire::NodeId& sender, std::uint64_t transaction_id, Reply reply, TimePoint now);

  std::size_t size() const noexcept { return replies_.size(); }
  std::size_t bytes() const noexcept { return bytes_; }

 private:
  using Key = std::pair<wire::NodeId, std::uint64_t>;
  struct Entry {
    Reply reply;
    std::size_t bytes;
  };
  void drop_oldest();
  void expire(TimePoint now);

  std::chrono::milliseconds lifetime_;
  std::size_t max_bytes_;
  std::map<Key, Entry> replies_;
  std::deque<std::pair<TimePoint, Key>> order_;  // oldest first
  std::size_t bytes_ = 0;
};

}  // namespace reload::node
