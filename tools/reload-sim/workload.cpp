#include "workload.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <ns3/simulator.h>

#include "sim_time.hpp"

namespace reload::sim {

namespace {
// ns-3 random streams of the workload (the channel has 1 and 2).
constexpr std::int64_t first_stream = 10;

std::string short_hex(const NodeId& id) { return id.empty() ? "-" : id.hex().substr(0, 8); }
}  // namespace

Workload::Workload(const WorkloadSettings& settings, Overlay& overlay, RunStats& stats, std::ostream* trace,
                   const StorageWorld* storage)
    : settings_(settings),
      overlay_(overlay),
      stats_(stats),
      trace_(trace),
      ids_(ns3::CreateObject<ns3::UniformRandomVariable>()),
      picks_(ns3::CreateObject<ns3::UniformRandomVariable>()),
      coins_(ns3::CreateObject<ns3::UniformRandomVariable>()),
      exponential_(ns3::CreateObject<ns3::ExponentialRandomVariable>()),
      weibull_(ns3::CreateObject<ns3::WeibullRandomVariable>()),
      storage_(storage) {
  ids_->SetStream(first_stream);
  picks_->SetStream(first_stream + 1);
  coins_->SetStream(first_stream + 2);
  exponential_->SetStream(first_stream + 3);
  weibull_->SetStream(first_stream + 4);
  if (trace_) *trace_ << "issued_s,origin,key,answered,responder,owner,correct,hops,latency_ms\n";
}

double Workload::schedule(double request_timeout_s) {
  const double joins_end = static_cast<double>(settings_.nodes - 1) / settings_.join_rate;
  const double window_start = joins_end + settings_.settle_s;
  window_end_ = window_start + settings_.measure_s;
  for (std::size_t i = 0; i < settings_.nodes; ++i)
    ns3::Simulator::Schedule(ns3::Seconds(static_cast<double>(i) / settings_.join_rate), [this] { add_node(); });
  ns3::Simulator::Schedule(ns3::Seconds(window_start), [this] {
    stats_.start_window(seconds_of(now()));
    if (settings_.churn.median_session_s > 0)
      for (const auto& id : population_) start_session(id);
  });
  const auto lookups = static_cast<std::size_t>(settings_.measure_s * settings_.lookup_rate);
  for (std::size_t k = 0; k < lookups; ++k)
    ns3::Simulator::Schedule(ns3::Seconds(window_start + static_cast<double>(k) / settings_.lookup_rate),
                             [this] { lookup_one(); });
  if (settings_.churn.mass_failure > 0) {
    const double at = settings_.churn.mass_failure_at_s >= 0 ? settings_.churn.mass_failure_at_s
                                                             : settings_.measure_s / 2;
    ns3::Simulator::Schedule(ns3::Seconds(window_start + at), [this] { mass_failure(); });
  }
  if (storage_ && !storage_->values().empty()) {
    const double start = joins_end > 0 ? joins_end / 2 : 0;
    const double span = joins_end > 0 ? joins_end / 2 : settings_.settle_s / 2;
    const auto n = storage_->values().size();
    for (std::size_t v = 0; v < n; ++v)
      ns3::Simulator::Schedule(ns3::Seconds(start + span * static_cast<double>(v) / static_cast<double>(n)),
                               [this, v] { store_one(v, 1); });
  }
  ns3::Simulator::Schedule(ns3::Seconds(window_end_), [this] { stats_.end_window(seconds_of(now())); });
  return window_end_ + request_timeout_s + 1;
}

NodeId Workload::fresh_id() {
  for (;;) {
    std::array<std::uint8_t, 16> b;
    for (auto& x : b) x = static_cast<std::uint8_t>(ids_->GetInteger(0, 255));
    NodeId id(wire::Bytes(b.data(), b.size()));
    if (!where_.contains(id)) return id;
  }
}

std::optional<NodeId> Workload::random_member() {
  // A few tries: nearly every node is admitted outside the joining phase.
  for (int attempt = 0; attempt < 16 && !population_.empty(); ++attempt) {
    const auto i = picks_->GetInteger(0, static_cast<std::uint32_t>(population_.size() - 1));
    const SimNode* n = overlay_.node(population_[i]);
    if (n && n->chord().admitted() && n->chord().state() == topology::Chord::State::joined) return population_[i];
  }
  return std::nullopt;
}

void Workload::add_node() {
  const NodeId id = fresh_id();
  if (population_.empty()) {
    overlay_.start_first(id);
  } else {
    auto bootstrap = random_member();
    if (!bootstrap) bootstrap = population_.front();
    overlay_.start_joining(id, *bootstrap);
  }
  where_.emplace(id, population_.size());
  population_.push_back(id);
  if (stats_.in_window() && settings_.churn.median_session_s > 0) start_session(id);
}

void Workload::remove_from_population(const NodeId& id) {
  auto it = where_.find(id);
  if (it == where_.end()) return;
  const std::size_t i = it->second;
  where_.erase(it);
  if (i + 1 != population_.size()) {
    population_[i] = population_.back();
    where_[population_[i]] = i;
  }
  population_.pop_back();
}

void Workload::store_one(std::size_t value, int attempt) {
  auto origin = random_member();
  if (!origin) {
    ns3::Simulator::Schedule(ns3::Seconds(1), [this, value, attempt] { store_one(value, attempt); });
    return;
  }
  if (attempt == 1) stats_.store_issued();
  overlay_.node(*origin)->store(storage_->values()[value], [this, value, attempt](bool ok) {
    if (ok) {
      stats_.value_stored();
      stored_.push_back(value);
    } else if (attempt < 3) {
      ns3::Simulator::Schedule(ns3::Seconds(1), [this, value, attempt] { store_one(value, attempt + 1); });
    } else {
      stats_.store_given_up();
    }
  });
}

void Workload::fetch_one(const NodeId& origin) {
  if (stored_.empty()) return;
  const std::size_t v = stored_[picks_->GetInteger(0, static_cast<std::uint32_t>(stored_.size() - 1))];
  const auto& value = storage_->values()[v];
  const double issued = seconds_of(now());
  stats_.lookup_issued();
  overlay_.node(origin)->fetch(value, [this, issued, origin, v, &value](const LookupResult& r) {
    const double ms = std::chrono::duration<double, std::milli>(r.latency).count();
    const NodeId key(value.resource.bytes());
    const NodeId owner = overlay_.owner_of(key);
    const bool correct = r.answered && r.value_found;
    if (!correct && mass_failed_at_s_ && issued >= *mass_failed_at_s_) {
      if (doomed_[v]) {
        ++failed_after_.doomed;
      } else {
        ++failed_after_.surviving;
        failed_after_.surviving_last_s = std::max(failed_after_.surviving_last_s, issued - *mass_failed_at_s_);
      }
    }
    if (r.answered) stats_.lookup_answered(r.hops, ms, correct);
    else stats_.lookup_timed_out();
    if (trace_)
      *trace_ << fmt::format("{:.6f},{},{},{},{},{},{},{},{:.3f}\n", issued, short_hex(origin), short_hex(key),
                             int(r.answered), short_hex(r.responder), short_hex(owner), int(correct), r.hops, ms);
  });
}

void Workload::lookup_one() {
  auto origin = random_member();
  if (!origin) return;
  if (settings_.fetch_lookups) return fetch_one(*origin);
  const NodeId key = fresh_id();
  const double issued = seconds_of(now());
  stats_.lookup_issued();
  overlay_.node(*origin)->lookup(key, [this, key, issued, origin = *origin](const LookupResult& r) {
    const double ms = std::chrono::duration<double, std::milli>(r.latency).count();
    const NodeId owner = overlay_.owner_of(key);
    const bool correct = r.answered && r.responder == owner;
    if (r.answered) stats_.lookup_answered(r.hops, ms, correct);
    else stats_.lookup_timed_out();
    if (trace_)
      *trace_ << fmt::format("{:.6f},{},{},{},{},{},{},{},{:.3f}\n", issued, short_hex(origin), short_hex(key),
                             int(r.answered), short_hex(r.responder), short_hex(owner), int(correct), r.hops, ms);
  });
}

void Workload::start_session(const NodeId& id) {
  const auto& c = settings_.churn;
  double length = 0;
  if (c.sessions == SessionModel::exponential) {
    length = exponential_->GetValue(c.median_session_s / std::log(2.0), 0);  // mean = median / ln 2
  } else {
    const double scale = c.median_session_s / std::pow(std::log(2.0), 1.0 / c.weibull_shape);
    length = weibull_->GetValue(scale, c.weibull_shape, 0);
  }
  if (seconds_of(now()) + length >= window_end_) return;
  ns3::Simulator::Schedule(ns3::Seconds(length), [this, id] { end_session(id); });
}

void Workload::end_session(const NodeId& id) {
  if (!overlay_.node(id)) return;
  remove_from_population(id);
  if (coins_->GetValue() < settings_.churn.leave_fraction) overlay_.leave(id);
  else overlay_.crash(id);
  add_node();  // its replacement
}

void Workload::mass_failure() {
  const auto count = static_cast<std::size_t>(std::floor(settings_.churn.mass_failure *
                                                         static_cast<double>(population_.size())));
  std::vector<NodeId> victims;
  for (std::size_t k = 0; k < count && !population_.empty(); ++k) {
    const auto i = picks_->GetInteger(0, static_cast<std::uint32_t>(population_.size() - 1));
    victims.push_back(population_[i]);
    remove_from_population(population_[i]);
  }
  if (storage_) {
    // Before anything crashes: which stored values the failure takes with it.
    std::set<std::uint32_t> dying;
    for (const auto& id : victims) dying.insert(overlay_.endpoint_of(id));
    const std::set<NodeId> dying_ids(victims.begin(), victims.end());
    const auto holders = overlay_.holders();
    doomed_.assign(storage_->values().size(), false);
    mass_failed_at_s_ = seconds_of(now());
    for (std::size_t v : stored_) {
      if (std::all_of(holders[v].begin(), holders[v].end(), [&](std::uint32_t h) { return dying.contains(h); }))
        ++doomed_by_holders_;
      // The replica set: the owner and its two successors, as the ring is. Copies beyond it
      // (kept from before peers joined) may save a value, but nothing promises they will.
      const auto ring = overlay_.owner_and_successors(NodeId(storage_->values()[v].resource.bytes()), 2);
      const bool kept = std::any_of(ring.begin(), ring.end(), [&](const NodeId& n) {
        const auto i = overlay_.endpoint_of(n);
        return !dying_ids.contains(n) && std::find(holders[v].begin(), holders[v].end(), i) != holders[v].end();
      });
      if (!kept) {
        ++doomed_by_ring_;
        doomed_[v] = true;
      }
    }
  }
  for (const auto& id : victims) overlay_.crash(id);
}

StorageOutcome Workload::storage_outcome() const {
  StorageOutcome o;
  if (!storage_) return o;
  const auto holders = overlay_.holders();
  std::size_t copies = 0;
  o.copies_min = stored_.empty() ? 0 : SIZE_MAX;
  for (std::size_t v : stored_) {
    ++o.stored;
    copies += holders[v].size();
    o.copies_min = std::min(o.copies_min, holders[v].size());
    o.copies_max = std::max(o.copies_max, holders[v].size());
    if (holders[v].size() < 3) ++o.under_replicated;
    if (holders[v].empty()) ++o.lost;
    const NodeId owner = overlay_.owner_of(NodeId(storage_->values()[v].resource.bytes()));
    const auto* n = overlay_.node(owner);
    const auto* service = n ? n->storage() : nullptr;
    if (!service || !service->store().replica_number(storage_->values()[v].resource)) ++o.missing_at_owner;
  }
  o.copies_mean = o.stored ? static_cast<double>(copies) / static_cast<double>(o.stored) : 0;
  return o;
}

}  // namespace reload::sim
