#include "node/diagnostic_methods.hpp"

#include "wire/codec.hpp"
#include "wire/ping.hpp"
#include "wire/probe.hpp"
#include "wire/ring.hpp"

namespace reload::node {

using C = wire::MessageCode;

DiagnosticMethods::DiagnosticMethods(const topology::NeighborTable& neighbors, const wire::CodecContext& codec,
                                     std::function<std::size_t()> resources, std::uint64_t seed)
    : neighbors_(neighbors), codec_(codec), resources_(std::move(resources)), random_(seed) {}

void DiagnosticMethods::register_in(MethodTable& table) {
  table.add(C::ping_req, *this);
  table.add(C::probe_req, *this);
}

Reply DiagnosticMethods::handle(const IncomingRequest& r) {
  using namespace std::chrono;
  const auto body = r.message.contents.message_body;
  if (r.message.contents.message_code == static_cast<std::uint16_t>(C::ping_req)) {
    if (!wire::decode_exact<wire::PingReq>(body, codec_)) return Refusal::text(errc::invalid_message, "undecodable PingReq");
    const auto ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    wire::PingAns a{random_(), static_cast<std::uint64_t>(ms)};
    return Answer{C::ping_ans, wire::encode_to_buffer(a).value(), {}};
  }
  auto req = wire::decode_exact<wire::ProbeReq>(body, codec_);
  if (!req) return Refusal::text(errc::invalid_message, "undecodable ProbeReq");
  wire::ProbeAns a;
  for (auto t : req->requested_info) {
    wire::ProbeInformation info{t, 0, {}};
    if (t == wire::ProbeInformationType::responsible_set) {
      const auto& preds = neighbors_.predecessors();
      info.value = preds.empty() ? 1'000'000'000u : wire::ring::share_ppb(preds.front(), neighbors_.self());
    } else if (t == wire::ProbeInformationType::uptime) {
      info.value = static_cast<std::uint32_t>(duration_cast<seconds>(r.now - started_).count());
    } else if (t == wire::ProbeInformationType::num_resources) {
      info.value = static_cast<std::uint32_t>(resources_());
    }
    a.probe_info.push_back(info);
  }
  return Answer{C::probe_ans, wire::encode_to_buffer(a).value(), {}};
}

}  // namespace reload::node
