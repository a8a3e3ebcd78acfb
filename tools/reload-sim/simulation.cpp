#include "simulation.hpp"

#include <chrono>
#include <cmath>

#include <fmt/format.h>
#include <ns3/object-factory.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>

#include "host_usage.hpp"
#include "sim_time.hpp"

namespace reload::sim {

Simulation::Simulation(const SimulationSettings& settings, std::ostream* trace) : settings_(settings) {
  // Every ns-3 random stream is numbered explicitly (channel, workload), so with the seed as
  // ns-3's run number the same seed draws the same numbers.
  ns3::RngSeedManager::SetSeed(1);
  ns3::RngSeedManager::SetRun(settings.overlay.seed);
  ns3::Simulator::SetScheduler(ns3::ObjectFactory("ns3::HeapScheduler"));
  if (settings_.storage.values > 0) storage_ = std::make_unique<StorageWorld>(settings_.storage);
  if (settings_.real_signatures) {
    signing_ = std::make_unique<MessageSigning>();
    settings_.overlay.node.security.real = signing_.get();
  }
  rss_before_kib_ = peak_rss_kib();
  heap_before_ = heap_in_use_bytes();
  overlay_ = std::make_unique<Overlay>(settings_.overlay, stats_, storage_.get());
  workload_ = std::make_unique<Workload>(settings_.workload, *overlay_, stats_, trace, storage_.get());
}

Simulation::~Simulation() {
  workload_.reset();
  overlay_.reset();  // nodes cancel their timers: before the simulator goes
  storage_.reset();
  ns3::Simulator::Destroy();
}

void Simulation::run() {
  const double timeout_s = std::chrono::duration<double>(settings_.overlay.node.request_timeout).count();
  stop_at_ = workload_->schedule(timeout_s);
  const auto started = std::chrono::steady_clock::now();
  started_ = started;
  if (settings_.progress_s > 0) ns3::Simulator::Schedule(ns3::Seconds(settings_.progress_s), [this] { progress(); });
  ns3::Simulator::Stop(ns3::Seconds(stop_at_));
  ns3::Simulator::Run();
  wall_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  events_ = ns3::Simulator::GetEventCount() - progress_events_;
}

void Simulation::progress() {
  // Not counted in the report's events: the line's own events are few (one per interval),
  // but the report stays the same with and without --progress only if they are left out.
  ++progress_events_;
  fmt::print(stderr, "progress: virtual {:.0f} s, live {}, events {}, wall {:.1f} s, peak RSS {:.1f} MiB\n",
             seconds_of(now()), overlay_->size(), ns3::Simulator::GetEventCount(),
             std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count(),
             static_cast<double>(peak_rss_kib()) / 1024.0);
  ns3::Simulator::Schedule(ns3::Seconds(settings_.progress_s), [this] { progress(); });
}

Report Simulation::report() const {
  const auto& s = stats_;
  const auto& w = settings_.workload;
  auto f3 = [](double x) { return fmt::format("{:.3f}", x); };
  auto u = [](std::uint64_t x) { return std::to_string(x); };
  const std::uint64_t finished = s.lookups_answered() + s.lookups_timed_out();
  const std::uint64_t abandoned = s.lookups_issued() - finished;
  double hop_sum = 0;
  for (int h : s.hops()) hop_sum += h;
  double latency_sum = 0;
  for (double l : s.latencies_ms()) latency_sum += l;
  const double answered = static_cast<double>(s.lookups_answered());
  const double node_seconds = s.window_node_seconds();
  const auto counters = overlay_->counters();
  const auto& traffic = s.window_traffic();
  const std::size_t peak = peak_rss_kib();
  const auto m = static_cast<std::size_t>(TrafficClass::maintenance);
  const auto l = static_cast<std::size_t>(TrafficClass::lookup);
  const auto st = static_cast<std::size_t>(TrafficClass::storage);

  Report r;
  r.push_back({"seed", u(settings_.overlay.seed)});
  r.push_back({"signatures", describe(settings_.overlay.node.security)});
  r.push_back({"messages_signed", signing_ ? u(signing_->signed_count()) : "n/a"});
  r.push_back({"nodes", u(w.nodes)});
  r.push_back({"live_at_end", u(overlay_->size())});
  r.push_back({"joins", u(s.joins())});
  r.push_back({"crashes", u(s.crashes())});
  r.push_back({"leaves", u(s.leaves())});
  r.push_back({"virtual_s", f3(stop_at_)});
  r.push_back({"window_s", f3(s.window_seconds())});
  r.push_back({"events", u(events_)});
  r.push_back({"lookups", u(s.lookups_issued())});
  r.push_back({"answered", u(s.lookups_answered())});
  r.push_back({"correct", u(s.lookups_correct())});
  r.push_back({"wrong_owner", u(s.lookups_answered() - s.lookups_correct())});
  r.push_back({"timed_out", u(s.lookups_timed_out())});
  r.push_back({"abandoned", u(abandoned)});  // the origin departed before the answer
  r.push_back({"success_rate", finished ? fmt::format("{:.4f}", static_cast<double>(s.lookups_correct()) /
                                                                    static_cast<double>(finished))
                                        : "n/a"});
  r.push_back({"hops_mean", answered > 0 ? f3(hop_sum / answered) : "n/a"});
  r.push_back({"hops_p50", fmt::format("{:g}", percentile(s.hops(), 50))});
  r.push_back({"hops_p99", fmt::format("{:g}", percentile(s.hops(), 99))});
  r.push_back({"hops_max", fmt::format("{:g}", percentile(s.hops(), 100))});
  r.push_back({"half_log2_n", f3(0.5 * std::log2(static_cast<double>(w.nodes)))});
  r.push_back({"latency_mean_ms", answered > 0 ? f3(latency_sum / answered) : "n/a"});
  r.push_back({"latency_p50_ms", f3(percentile(s.latencies_ms(), 50))});
  r.push_back({"latency_p99_ms", f3(percentile(s.latencies_ms(), 99))});
  r.push_back({"maintenance_bytes_per_node_s",
               node_seconds > 0 ? f3(static_cast<double>(traffic.bytes[m]) / node_seconds) : "n/a"});
  r.push_back({"maintenance_msgs_per_node_s",
               node_seconds > 0 ? fmt::format("{:.4f}", static_cast<double>(traffic.messages[m]) / node_seconds)
                                : "n/a"});
  r.push_back({"lookup_bytes", u(traffic.bytes[l])});
  r.push_back({"storage_bytes_per_node_s",
               node_seconds > 0 ? f3(static_cast<double>(traffic.bytes[st]) / node_seconds) : "n/a"});
  r.push_back({"total_bytes_run",
               u(s.total_traffic().bytes[m] + s.total_traffic().bytes[l] + s.total_traffic().bytes[st])});
  r.push_back({"lost_in_channel", u(s.lost_in_channel_count())});
  r.push_back({"lost_to_departed", u(s.lost_to_departed_count())});
  r.push_back({"ring_wrong_successors", u(overlay_->wrong_successors())});
  const auto [links_mean, links_max] = overlay_->links_per_node();
  r.push_back({"links_mean", fmt::format("{:.1f}", links_mean)});
  r.push_back({"links_max", u(links_max)});
  r.push_back({"links_refused", u(counters.links_refused)});
  r.push_back({"ttl_exhausted", u(counters.ttl_exhausted)});
  r.push_back({"no_route", u(counters.no_route)});
  r.push_back({"dropped_other", u(counters.dropped)});
  r.push_back({"undecodable", u(counters.undecodable)});
  r.push_back({"request_timeouts", u(counters.timeouts)});
  r.push_back({"storage_refused", u(counters.storage_refused)});
  r.push_back({"lookups_kind", w.fetch_lookups ? "fetch" : "ping"});
  if (storage_) {
    const auto o = workload_->storage_outcome();
    r.push_back({"values", u(storage_->values().size())});
    r.push_back({"values_kind", storage_->xmpp_location() ? "xmpp-location" : "sim-value"});
    r.push_back({"values_stored", u(o.stored)});
    r.push_back({"stores_given_up", u(s.stores_given_up())});
    r.push_back({"values_lost", u(o.lost)});
    r.push_back({"values_missing_at_owner", u(o.missing_at_owner)});
    r.push_back({"copies_mean", f3(o.copies_mean)});
    r.push_back({"copies_min", u(o.copies_min)});
    r.push_back({"copies_max", u(o.copies_max)});
    r.push_back({"under_replicated", u(o.under_replicated)});
    const bool mass = w.churn.mass_failure > 0;
    r.push_back({"mass_failure_doomed_holders", mass ? u(workload_->doomed_by_holders()) : "n/a"});
    r.push_back({"mass_failure_doomed_ring", mass ? u(workload_->doomed_by_ring()) : "n/a"});
    const auto& failed = workload_->failed_after_mass_failure();
    r.push_back({"failed_fetches_doomed", mass ? u(failed.doomed) : "n/a"});
    r.push_back({"failed_fetches_surviving", mass ? u(failed.surviving) : "n/a"});
    r.push_back({"failed_fetches_surviving_last_s", mass ? f3(failed.surviving_last_s) : "n/a"});
  } else {
    for (const char* name : {"values", "values_kind", "values_stored", "stores_given_up", "values_lost", "values_missing_at_owner",
                             "copies_mean", "copies_min", "copies_max", "under_replicated", "mass_failure_doomed_holders", "mass_failure_doomed_ring",
                             "failed_fetches_doomed", "failed_fetches_surviving", "failed_fetches_surviving_last_s"})
      r.push_back({name, "n/a"});
  }
  r.push_back({"wall_s", f3(wall_seconds_), true});
  r.push_back({"storage_setup_s", storage_ ? f3(storage_->setup_seconds()) : "0", true});
  const std::size_t heap = heap_in_use_bytes();
  r.push_back({"heap_per_live_node_kib",
               fmt::format("{:.1f}", static_cast<double>(heap - std::min(heap, heap_before_)) / 1024.0 /
                                         static_cast<double>(std::max<std::size_t>(1, overlay_->size()))),
               true});
  r.push_back({"peak_rss_mib", fmt::format("{:.1f}", static_cast<double>(peak) / 1024.0), true});
  r.push_back({"rss_per_node_kib",
               fmt::format("{:.1f}", static_cast<double>(peak - std::min(peak, rss_before_kib_)) /
                                         static_cast<double>(std::max<std::size_t>(1, w.nodes))),
               true});
  return r;
}

}  // namespace reload::sim
