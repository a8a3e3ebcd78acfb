// Ping and Probe (RFC 6940 sections 6.4.1 and 6.4.2.5): what any peer may ask of any other.
#pragma once

#include <functional>
#include <random>

#include "node/method_handler.hpp"
#include "topology/neighbor_table.hpp"
#include "wire/codec_context.hpp"

namespace reload::node {

class DiagnosticMethods final : public MethodHandler {
 public:
  // `resources` counts the Resource-IDs this peer stores (Probe's num_resources).
  DiagnosticMethods(const topology::NeighborTable& neighbors, const wire::CodecContext& codec,
                    std::function<std::size_t()> resources, std::uint64_t seed);
  void register_in(MethodTable& table);
  // Uptime counts from here.
  void started(std::chrono::steady_clock::time_point at) { started_ = at; }
  Reply handle(const IncomingRequest& request) override;

 private:
  const topology::NeighborTable& neighbors_;
  const wire::CodecContext& codec_;
  std::function<std::size_t()> resources_;
  std::mt19937_64 random_;  // PingAns response ids: they identify, they protect nothing
  std::chrono::steady_clock::time_point started_{};
};

}  // namespace reload::node
