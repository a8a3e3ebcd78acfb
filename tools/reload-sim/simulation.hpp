// One run: ns-3's scheduler and random streams set up from the seed, the overlay, the
// workload, and the report. ns-3's Simulator is a process-wide singleton, so only one
// Simulation exists at a time; its destructor calls Simulator::Destroy so another can follow.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <ostream>

#include "overlay.hpp"
#include "report.hpp"
#include "run_stats.hpp"
#include "message_signing.hpp"
#include "sim_storage.hpp"
#include "workload.hpp"

namespace reload::sim {

struct SimulationSettings {
  OverlaySettings overlay;
  WorkloadSettings workload;
  StorageSettings storage;  // values 0: no storage simulated
  bool real_signatures = false;  // --signatures ecdsa (message_signing.hpp)
  double progress_s = 0;     // > 0: a progress line on stderr every so many virtual seconds
};

class Simulation {
 public:
  // `trace`, if given, receives one CSV row per lookup.
  explicit Simulation(const SimulationSettings& settings, std::ostream* trace = nullptr);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  void run();
  // One progress line (stderr): virtual time, live nodes, events so far, wall time, peak RSS.
  void progress();
  Report report() const;

  const Overlay& overlay() const noexcept { return *overlay_; }
  const RunStats& stats() const noexcept { return stats_; }
  const Workload& workload() const noexcept { return *workload_; }
  const StorageWorld* storage() const noexcept { return storage_.get(); }

 private:
  SimulationSettings settings_;
  RunStats stats_;
  std::unique_ptr<StorageWorld> storage_;
  std::unique_ptr<MessageSigning> signing_;
  std::unique_ptr<Overlay> overlay_;
  std::unique_ptr<Workload> workload_;
  double stop_at_ = 0;
  double wall_seconds_ = 0;
  std::chrono::steady_clock::time_point started_{};
  std::uint64_t events_ = 0;
  std::uint64_t progress_events_ = 0;
  std::size_t rss_before_kib_ = 0;
  std::size_t heap_before_ = 0;
};

}  // namespace reload::sim
