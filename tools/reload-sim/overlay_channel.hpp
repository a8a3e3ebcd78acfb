// The simulated network between overlay nodes: our own channel, not ns-3's IP stack (each
// node would otherwise carry an ns3::Node, devices and sockets, and thousands of them would
// cost more than the protocol under test).
//
// Each node sits at a random point of a square whose side is `area_ms` milliseconds of
// one-way delay (a plane of network coordinates, as Vivaldi estimates them), or, when a
// latency matrix is given, at a random site of the matrix; an access delay is added at each
// end. Each node has one uplink of `uplink_bps`: a message waits for the bytes
// before it to leave, then takes its own serialisation time, so a node that sends much
// queues. A message is lost with probability `loss`; nothing is retransmitted (the link layer
// of RFC 6940 section 5.6 is not modelled). All randomness comes from ns-3 streams, so the
// same seed gives the same network.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include <ns3/nstime.h>
#include <ns3/ptr.h>
#include <ns3/random-variable-stream.h>

#include "latency_matrix.hpp"

namespace reload::sim {

struct ChannelSettings {
  double area_ms = 100;      // side of the coordinate square, in ms of one-way delay
  double access_ms = 2;      // each end's access link, in ms
  double uplink_bps = 10e6;  // per node, bits per second
  double loss = 0;           // probability that a message is lost
  LatencyMatrix matrix;      // empty: coordinates in the square
};

class OverlayChannel {
 public:
  // `first_stream`: the ns-3 random streams used are first_stream and first_stream + 1.
  OverlayChannel(ChannelSettings settings, std::int64_t first_stream);

  const ChannelSettings& settings() const noexcept { return settings_; }

  // Places a new endpoint; returns its number.
  std::uint32_t add_endpoint();

  // One-way propagation delay between two endpoints (no queueing).
  ns3::Time latency(std::uint32_t a, std::uint32_t b) const;

  // Puts `bytes` bytes on `from`'s uplink towards `to`: the delay until they arrive, or
  // nothing when the message is lost.
  std::optional<ns3::Time> transmit(std::uint32_t from, std::uint32_t to, std::size_t bytes);

 private:
  struct Endpoint {
    double x = 0, y = 0;       // ms, in the square
    std::size_t site = 0;      // row of the latency matrix
    ns3::Time uplink_free{0};  // when the uplink has sent everything queued so far
  };

  ChannelSettings settings_;
  std::vector<Endpoint> endpoints_;
  ns3::Ptr<ns3::UniformRandomVariable> position_;
  ns3::Ptr<ns3::UniformRandomVariable> loss_;
};

}  // namespace reload::sim
