#include "overlay_channel.hpp"

#include <algorithm>
#include <cmath>

#include <ns3/simulator.h>

namespace reload::sim {

OverlayChannel::OverlayChannel(ChannelSettings settings, std::int64_t first_stream)
    : settings_(settings),
      position_(ns3::CreateObject<ns3::UniformRandomVariable>()),
      loss_(ns3::CreateObject<ns3::UniformRandomVariable>()) {
  position_->SetStream(first_stream);
  loss_->SetStream(first_stream + 1);
}

std::uint32_t OverlayChannel::add_endpoint() {
  Endpoint e;
  if (settings_.matrix.empty()) {
    e.x = position_->GetValue(0, settings_.area_ms);
    e.y = position_->GetValue(0, settings_.area_ms);
  } else {
    e.site = position_->GetInteger(0, static_cast<std::uint32_t>(settings_.matrix.size() - 1));
  }
  endpoints_.push_back(e);
  return static_cast<std::uint32_t>(endpoints_.size() - 1);
}

ns3::Time OverlayChannel::latency(std::uint32_t a, std::uint32_t b) const {
  if (a == b) return ns3::Time(0);
  const auto& p = endpoints_.at(a);
  const auto& q = endpoints_.at(b);
  const double path_ms = settings_.matrix.empty() ? std::hypot(p.x - q.x, p.y - q.y) : settings_.matrix[p.site][q.site];
  const double ms = path_ms + 2 * settings_.access_ms;
  return ns3::MicroSeconds(static_cast<std::int64_t>(ms * 1000.0));
}

std::optional<ns3::Time> OverlayChannel::transmit(std::uint32_t from, std::uint32_t to, std::size_t bytes) {
  auto& sender = endpoints_.at(from);
  const ns3::Time now = ns3::Simulator::Now();
  const auto serialisation =
      ns3::NanoSeconds(static_cast<std::int64_t>(static_cast<double>(bytes) * 8e9 / settings_.uplink_bps));
  const ns3::Time departs = std::max(now, sender.uplink_free) + serialisation;
  sender.uplink_free = departs;
  // Drawn for every message, lossy or not, so that the stream's use does not depend on loss.
  const bool lost = loss_->GetValue() < settings_.loss;
  if (lost) return std::nullopt;
  return departs - now + latency(from, to);
}

}  // namespace reload::sim
