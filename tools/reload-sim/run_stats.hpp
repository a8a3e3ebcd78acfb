// What one run measures, counted as it happens: traffic on the channel, lookups and their
// outcome, and the population over time (for per-node rates). Counting is separate from
// reporting (report.hpp) so that the figures come from one place.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "wire/bytes.hpp"

namespace reload::sim {

// Lookups (Ping and Fetch requests and answers), storage (Store requests and answers:
// original stores, replica stores, hand-offs) and everything else, which keeps the overlay
// together: Attach, Join, Update, Leave and their answers, and error answers.
enum class TrafficClass : std::uint8_t { maintenance = 0, lookup = 1, storage = 2 };

struct Traffic {
  std::array<std::uint64_t, 3> messages{};  // by TrafficClass
  std::array<std::uint64_t, 3> bytes{};
};

class RunStats {
 public:
  // The measurement window: traffic and population are counted in it, lookups are issued in it.
  void start_window(double t);
  void end_window(double t);
  bool in_window() const noexcept { return measuring_; }

  // One message put on one link (a forwarded message counts once per hop); `bytes` is the
  // encoded RELOAD message.
  void sent(wire::Bytes message);
  void lost_in_channel() noexcept { ++lost_in_channel_; }
  void lost_to_departed() noexcept { ++lost_to_departed_; }

  // The number of live nodes changed at time t.
  void population(double t, std::size_t live);

  void lookup_issued() noexcept { ++lookups_issued_; }
  // `correct`: answered by the peer that owns the key in the ring as it is at that moment.
  void lookup_answered(int hops, double latency_ms, bool correct);
  void lookup_timed_out() noexcept { ++lookups_timed_out_; }

  void store_issued() noexcept { ++stores_issued_; }
  void value_stored() noexcept { ++values_stored_; }
  void store_given_up() noexcept { ++stores_given_up_; }

  void joined() noexcept { ++joins_; }
  void crashed() noexcept { ++crashes_; }
  void left() noexcept { ++leaves_; }

  const Traffic& window_traffic() const noexcept { return window_; }
  const Traffic& total_traffic() const noexcept { return total_; }
  double window_node_seconds() const noexcept { return node_seconds_; }
  double window_seconds() const noexcept { return window_end_ - window_start_; }
  std::uint64_t lost_in_channel_count() const noexcept { return lost_in_channel_; }
  std::uint64_t lost_to_departed_count() const noexcept { return lost_to_departed_; }
  std::uint64_t lookups_issued() const noexcept { return lookups_issued_; }
  std::uint64_t lookups_answered() const noexcept { return hops_.size(); }
  std::uint64_t lookups_correct() const noexcept { return lookups_correct_; }
  std::uint64_t lookups_timed_out() const noexcept { return lookups_timed_out_; }
  const std::vector<int>& hops() const noexcept { return hops_; }
  const std::vector<double>& latencies_ms() const noexcept { return latencies_ms_; }
  std::uint64_t stores_issued() const noexcept { return stores_issued_; }
  std::uint64_t values_stored() const noexcept { return values_stored_; }
  std::uint64_t stores_given_up() const noexcept { return stores_given_up_; }
  std::uint64_t joins() const noexcept { return joins_; }
  std::uint64_t crashes() const noexcept { return crashes_; }
  std::uint64_t leaves() const noexcept { return leaves_; }

 private:
  bool measuring_ = false;
  double window_start_ = 0, window_end_ = 0;
  Traffic window_, total_;
  std::uint64_t lost_in_channel_ = 0, lost_to_departed_ = 0;
  double last_change_ = 0;
  std::size_t live_ = 0;
  double node_seconds_ = 0;
  std::uint64_t lookups_issued_ = 0, lookups_correct_ = 0, lookups_timed_out_ = 0;
  std::vector<int> hops_;
  std::vector<double> latencies_ms_;
  std::uint64_t stores_issued_ = 0, values_stored_ = 0, stores_given_up_ = 0;
  std::uint64_t joins_ = 0, crashes_ = 0, leaves_ = 0;
};

}  // namespace reload::sim
