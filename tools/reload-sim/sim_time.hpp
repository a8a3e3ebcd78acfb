// Virtual time. ns-3's clock is the only clock in the simulator; the cores see it as the
// steady_clock time points they take in production (`now` comes in with every event), with
// the simulation's start at the clock's epoch.
#pragma once

#include <chrono>

#include <ns3/nstime.h>
#include <ns3/simulator.h>

#include "topology/chord.hpp"

namespace reload::sim {

using topology::TimePoint;

inline TimePoint now() {
  return TimePoint(std::chrono::nanoseconds(ns3::Simulator::Now().GetNanoSeconds()));
}

inline ns3::Time to_ns3(std::chrono::nanoseconds d) { return ns3::NanoSeconds(d.count()); }

// The delay from now until `t`, never negative.
inline ns3::Time until(TimePoint t) {
  const auto d = t - now();
  return d.count() < 0 ? ns3::Time(0) : to_ns3(d);
}

inline double seconds_of(TimePoint t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

}  // namespace reload::sim
