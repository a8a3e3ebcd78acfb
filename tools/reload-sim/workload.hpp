// The scenario of one run, on the overlay: nodes join at a rate, the overlay settles, then a
// measurement window with random lookups (Pings to random keys) and, if asked, churn.
//
//   t = 0 ............ the first node creates the ring
//   t = i / join_rate  node i joins through a random admitted node
//   + settle_s         the window opens: lookups at lookup_rate, churn starts
//   + measure_s        the window closes; answers still under way may arrive for one
//                      request timeout more
//
// Churn: every node present when the window opens, and every node that joins during it,
// gets a session time (exponential or Weibull with the given median). When it ends the node
// crashes, or Leaves cleanly with probability leave_fraction, and a fresh node joins in its
// place at once, so the population stays near `nodes`. A mass failure crashes a fraction of
// the nodes at one instant, with no replacements.
//
// Storage (a StorageWorld with values): value k is stored at
//   joins_end / 2 + k * (joins_end / 2) / values
// (during the second half of the joins, so that half the nodes join after the data they
// will hold, and get it by hand-over), by an original Store from a random admitted node,
// tried again after a second up to three times. With `fetch_lookups`, the window's lookups
// are Fetches of random stored values, and succeed when the value comes back byte for
// byte. A mass failure first notes, for each stored value, whether every live node holding
// it is among the victims, and whether its owner and two successors in the ring all are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <ns3/ptr.h>
#include <ns3/random-variable-stream.h>

#include "overlay.hpp"
#include "run_stats.hpp"

namespace reload::sim {

enum class SessionModel : std::uint8_t { exponential, weibull };

struct ChurnSettings {
  double median_session_s = 0;  // 0: no churn
  SessionModel sessions = SessionModel::exponential;
  double weibull_shape = 0.5;
  double leave_fraction = 0;   // of departures, the share that Leave; the others crash
  double mass_failure = 0;     // fraction of live nodes that crash at once (0: none)
  double mass_failure_at_s = -1;  // seconds into the window; negative: its middle
};

struct WorkloadSettings {
  std::size_t nodes = 300;
  double join_rate = 20;    // joins per second
  double settle_s = 30;     // after the last join, before the window
  double measure_s = 60;    // the window
  double lookup_rate = 20;  // lookups per second, overlay-wide
  bool fetch_lookups = false;  // lookups Fetch stored values instead of Pinging random keys
  ChurnSettings churn;
};

// What became of the values at the end of the run.
struct StorageOutcome {
  std::size_t stored = 0;             // values whose Store was answered
  std::size_t lost = 0;               // stored, and no live node holds a copy
  std::size_t missing_at_owner = 0;   // stored, and the ring's owner of its Resource-ID holds none
  double copies_mean = 0;             // live copies per stored value
  std::size_t copies_min = 0;         // the fewest live copies of a stored value
  std::size_t copies_max = 0;         // the most
  std::size_t under_replicated = 0;   // stored values with fewer than three live copies
};

class Workload {
 public:
  // `trace`, if given, gets one CSV row per lookup as it ends. `storage` (may be null)
  // outlives the workload.
  Workload(const WorkloadSettings& settings, Overlay& overlay, RunStats& stats, std::ostream* trace,
           const StorageWorld* storage = nullptr);

  // Schedules the whole run on ns-3's scheduler; returns the virtual time (s) to stop at.
  double schedule(double request_timeout_s);

  // With storage: the values' fate, now.
  StorageOutcome storage_outcome() const;
  // With a mass failure and storage: stored values whose every holder was among the
  // victims, and those of which no survivor among the owner and its two successors in the
  // ring (the replica set) held a copy.
  std::size_t doomed_by_holders() const noexcept { return doomed_by_holders_; }
  std::size_t doomed_by_ring() const noexcept { return doomed_by_ring_; }
  // Fetches issued after a mass failure that failed: of values it doomed (by the ring), and
  // of the others, with how long after the failure the last of those was issued.
  struct FailedAfterMassFailure {
    std::size_t doomed = 0;
    std::size_t surviving = 0;
    double surviving_last_s = 0;  // 0 when none
  };
  const FailedAfterMassFailure& failed_after_mass_failure() const noexcept { return failed_after_; }

 private:
  NodeId fresh_id();
  std::optional<NodeId> random_member();  // a live node admitted to the ring
  void add_node();
  void remove_from_population(const NodeId& id);
  void lookup_one();
  void start_session(const NodeId& id);
  void end_session(const NodeId& id);
  void mass_failure();
  void store_one(std::size_t value, int attempt);
  void fetch_one(const NodeId& origin);

  const WorkloadSettings& settings_;
  Overlay& overlay_;
  RunStats& stats_;
  std::ostream* trace_;
  double window_end_ = 0;
  ns3::Ptr<ns3::UniformRandomVariable> ids_;       // Node-IDs and lookup keys
  ns3::Ptr<ns3::UniformRandomVariable> picks_;     // bootstraps, lookup origins, mass failure victims
  ns3::Ptr<ns3::UniformRandomVariable> coins_;     // leave or crash
  ns3::Ptr<ns3::ExponentialRandomVariable> exponential_;
  ns3::Ptr<ns3::WeibullRandomVariable> weibull_;
  std::vector<NodeId> population_;  // live nodes, in no order; for uniform picks
  std::map<NodeId, std::size_t> where_;
  const StorageWorld* storage_;
  std::vector<std::size_t> stored_;  // values whose Store was answered, in that order
  std::size_t doomed_by_holders_ = 0, doomed_by_ring_ = 0;
  std::vector<bool> doomed_;                // by the ring, by value index
  std::optional<double> mass_failed_at_s_;  // virtual time of the mass failure
  FailedAfterMassFailure failed_after_;
};

}  // namespace reload::sim
