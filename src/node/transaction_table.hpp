// End-to-end reliability of requests this node originates (RFC 6940 section 6.2.1): a
// request is retransmitted with the same transaction id when the overlay-reliability-timer
// fires, up to 4 times (5 messages), the wait doubling each time; after the last wait it
// has failed and the caller reports Error_Request_Timeout. Sans-I/O: periodic(now) returns
// what to resend and what failed, and when to call it next.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "wire/bytes.hpp"

namespace reload::node {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

struct ReliabilitySettings {
  std::chrono::milliseconds timer{3000};  // overlay-reliability-timer
  int max_transmissions = 5;
  bool backoff = true;  // double the wait after each retransmission
};

class TransactionTable {
 public:
  explicit TransactionTable(ReliabilitySettings settings = {}) : settings_(settings) {}

  // `encoded` (the whole message, kept for retransmission) was sent once at `now`. False
  // when the id is already in use: the caller draws another. `transmissions` caps this
  // request's sends below the settings' (0: the settings'); with 1 it fails after one wait.
  bool start(std::uint64_t transaction_id, wire::Buffer encoded, TimePoint now, int transmissions = 0);
  // A response with this id arrived: true if a request was waiting for it (now done).
  bool complete(std::uint64_t transaction_id);
  // The request is abandoned by its caller (cancelled).
  void cancel(std::uint64_t transaction_id) { complete(transaction_id); }

  struct Due {
    std::vector<std::pair<std::uint64_t, wire::Bytes>> resend;  // views valid until the next call
    std::vector<std::uint64_t> failed;
  };
  // Fills `due` with the retransmissions and failures at `now`; returns the next deadline,
  // or nothing when no request is pending.
  std::optional<TimePoint> periodic(TimePoint now, Due& due);

  std::size_t pending() const noexcept { return by_id_.size(); }
  bool contains(std::uint64_t id) const { return by_id_.contains(id); }

 private:
  struct Entry {
    wire::Buffer message;
    int transmissions = 1;
    int max_transmissions;
    std::chrono::milliseconds wait;
    TimePoint deadline;
  };
  ReliabilitySettings settings_;
  std::map<std::uint64_t, Entry> by_id_;
  std::set<std::pair<TimePoint, std::uint64_t>> deadlines_;
};

}  // namespace reload::node
