// reload-sim: many RELOAD peers in one process on ns-3's discrete-event scheduler, running
// the project's Chord core and codec (docs/simulator.md). Prints the run's figures and
// writes them as CSV.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>

#include <cxxopts.hpp>

#include "latency_matrix.hpp"
#include "simulation.hpp"

using namespace reload::sim;

namespace {

std::chrono::milliseconds ms_of_seconds(double s) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(s * 1000.0));
}

int fail(const std::string& why) {
  std::cerr << "reload-sim: " << why << '\n';
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  cxxopts::Options options("reload-sim", "Simulates a RELOAD overlay of many nodes on virtual time (ns-3)");
  // clang-format off
  options.add_options()
    ("n,nodes", "nodes that join", cxxopts::value<std::size_t>()->default_value("300"))
    ("seed", "seed: the same seed gives the same run", cxxopts::value<std::uint64_t>()->default_value("1"))
    ("join-rate", "joins per second", cxxopts::value<double>()->default_value("20"))
    ("settle", "seconds after the last join before measuring", cxxopts::value<double>()->default_value("30"))
    ("measure", "seconds of the measurement window", cxxopts::value<double>()->default_value("60"))
    ("lookup-rate", "lookups (Ping to a random key) per second, overlay-wide", cxxopts::value<double>()->default_value("20"))
    ("values", "values to store (Store, replication, hand-over; 0: no storage)", cxxopts::value<std::size_t>()->default_value("0"))
    ("value-bytes", "bytes of each value", cxxopts::value<std::size_t>()->default_value("64"))
    ("lookups", "ping (random keys) or fetch (stored values; needs --values)", cxxopts::value<std::string>()->default_value("ping"))
    ("kind", "what --values are: sim-value (single values, USER-MATCH) or xmpp-location (XEP-0415)",
     cxxopts::value<std::string>()->default_value("sim-value"))
    ("area-ms", "side of the coordinate square, ms of one-way delay", cxxopts::value<double>()->default_value("100"))
    ("latency-matrix", "one-way delays between sites (ms; a square matrix, one row per line); nodes at random sites", cxxopts::value<std::string>())
    ("access-ms", "access delay at each end, ms", cxxopts::value<double>()->default_value("2"))
    ("uplink-mbps", "each node's uplink, Mbit/s", cxxopts::value<double>()->default_value("10"))
    ("loss", "probability a message is lost", cxxopts::value<double>()->default_value("0"))
    ("update-interval", "chord-update-interval, s", cxxopts::value<double>()->default_value("60"))
    ("ping-interval", "chord-ping-interval (finger repair), s", cxxopts::value<double>()->default_value("300"))
    ("max-links", "links a node keeps before refusing Attaches it does not need (reload-node: 1024)",
     cxxopts::value<std::size_t>()->default_value("1024"))
    ("request-timeout", "end-to-end request timeout, s", cxxopts::value<double>()->default_value("3"))
    ("handshake-rtts", "round trips from Attach answer to link up", cxxopts::value<int>()->default_value("2"))
    ("failure-detection", "seconds until a crashed peer's links are seen down", cxxopts::value<double>()->default_value("2"))
    ("churn-median", "median session time, s (0: no churn)", cxxopts::value<double>()->default_value("0"))
    ("sessions", "session times: exponential or weibull", cxxopts::value<std::string>()->default_value("exponential"))
    ("weibull-shape", "Weibull shape k", cxxopts::value<double>()->default_value("0.5"))
    ("leave-fraction", "share of departures that Leave cleanly (the rest crash)", cxxopts::value<double>()->default_value("0"))
    ("mass-failure", "fraction of nodes that crash at once", cxxopts::value<double>()->default_value("0"))
    ("mass-failure-at", "seconds into the window (default: its middle)", cxxopts::value<double>()->default_value("-1"))
    ("signatures", "stand-in (sizes only) or ecdsa (every message signed and verified; see docs/simulator.md)",
     cxxopts::value<std::string>()->default_value("stand-in"))
    ("progress", "a progress line on stderr every so many virtual seconds (0: none)", cxxopts::value<double>()->default_value("0"))
    ("csv", "write the figures as CSV (header and one row) to this file", cxxopts::value<std::string>())
    ("trace", "write one CSV row per lookup to this file", cxxopts::value<std::string>())
    ("h,help", "this help");
  // clang-format on
  SimulationSettings s;
  std::optional<std::string> csv_path, trace_path;
  try {
    auto r = options.parse(argc, argv);
    if (r.count("help")) {
      std::cout << options.help() << '\n';
      return 0;
    }
    auto& w = s.workload;
    w.nodes = r["nodes"].as<std::size_t>();
    w.join_rate = r["join-rate"].as<double>();
    w.settle_s = r["settle"].as<double>();
    w.measure_s = r["measure"].as<double>();
    w.lookup_rate = r["lookup-rate"].as<double>();
    s.storage.values = r["values"].as<std::size_t>();
    s.storage.value_bytes = r["value-bytes"].as<std::size_t>();
    if (const auto kind = r["kind"].as<std::string>(); kind == "xmpp-location") s.storage.xmpp_location = true;
    else if (kind != "sim-value") return fail("--kind must be sim-value or xmpp-location");
    const auto lookups = r["lookups"].as<std::string>();
    if (lookups == "fetch") w.fetch_lookups = true;
    else if (lookups != "ping") return fail("--lookups must be ping or fetch");
    if (w.fetch_lookups && s.storage.values == 0) return fail("--lookups fetch needs --values");
    if (s.storage.value_bytes < 1 || s.storage.value_bytes > 2000) return fail("--value-bytes must be 1 to 2000");
    w.churn.median_session_s = r["churn-median"].as<double>();
    const auto sessions = r["sessions"].as<std::string>();
    if (sessions == "weibull") w.churn.sessions = SessionModel::weibull;
    else if (sessions != "exponential") return fail("--sessions must be exponential or weibull");
    w.churn.weibull_shape = r["weibull-shape"].as<double>();
    w.churn.leave_fraction = r["leave-fraction"].as<double>();
    w.churn.mass_failure = r["mass-failure"].as<double>();
    w.churn.mass_failure_at_s = r["mass-failure-at"].as<double>();
    auto& o = s.overlay;
    o.seed = r["seed"].as<std::uint64_t>();
    o.channel.area_ms = r["area-ms"].as<double>();
    o.channel.access_ms = r["access-ms"].as<double>();
    if (r.count("latency-matrix")) o.channel.matrix = load_latency_matrix(r["latency-matrix"].as<std::string>());
    o.channel.uplink_bps = r["uplink-mbps"].as<double>() * 1e6;
    o.channel.loss = r["loss"].as<double>();
    o.node.chord.update_interval = ms_of_seconds(r["update-interval"].as<double>());
    o.node.chord.ping_interval = ms_of_seconds(r["ping-interval"].as<double>());
    o.node.chord.max_links = r["max-links"].as<std::size_t>();
    o.node.request_timeout = ms_of_seconds(r["request-timeout"].as<double>());
    o.handshake_round_trips = r["handshake-rtts"].as<int>();
    o.failure_detection = ms_of_seconds(r["failure-detection"].as<double>());
    if (const auto sig = r["signatures"].as<std::string>(); sig == "ecdsa") s.real_signatures = true;
    else if (sig != "stand-in") return fail("--signatures must be stand-in or ecdsa");
    s.progress_s = r["progress"].as<double>();
    if (r.count("csv")) csv_path = r["csv"].as<std::string>();
    if (r.count("trace")) trace_path = r["trace"].as<std::string>();
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  const auto& w = s.workload;
  if (w.nodes < 1 || w.join_rate <= 0 || w.lookup_rate < 0 || w.measure_s < 0 || w.settle_s < 0)
    return fail("--nodes must be at least 1, --join-rate positive, rates and times not negative");
  if (s.overlay.seed == 0) return fail("--seed must be at least 1 (ns-3 run numbers)");
  if (s.overlay.channel.loss < 0 || s.overlay.channel.loss >= 1) return fail("--loss must be in [0, 1)");
  if (s.overlay.channel.uplink_bps <= 0 || s.overlay.handshake_round_trips < 0)
    return fail("--uplink-mbps must be positive and --handshake-rtts not negative");

  std::ofstream trace;
  if (trace_path) {
    trace.open(*trace_path);
    if (!trace) return fail("cannot write " + *trace_path);
  }
  Simulation sim(s, trace_path ? &trace : nullptr);
  sim.run();
  const Report report = sim.report();
  print_text(std::cout, report);
  if (csv_path) {
    std::ofstream csv(*csv_path);
    print_csv(csv, report);
    if (!csv) return fail("cannot write " + *csv_path);
  }
  return 0;
}
