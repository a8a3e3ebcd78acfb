#include "node/app_attach_method.hpp"

#include <fmt/format.h>

#include "wire/codec.hpp"

namespace reload::node {

Reply AppAttachMethod::handle(const IncomingRequest& r) {
  auto req = wire::decode_exact<wire::AppAttachReq>(r.message.contents.message_body, codec_);
  if (!req) return Refusal::text(errc::invalid_message, "undecodable AppAttachReq");
  // Section 6.5.1.1: ICE and No-ICE candidates never mix, and AppAttach streams use ICE.
  for (const auto& c : req->candidates)
    if (!wire::uses_ice(c.overlay_link)) return Refusal::text(errc::invalid_message, "AppAttach with a No-ICE candidate");
  if (req->candidates.empty()) return Refusal::text(errc::invalid_message, "AppAttach without candidates");
  if (auto reply = accept_ ? accept_(r, *req) : std::nullopt) return std::move(*reply);
  return Refusal::text(errc::not_found, fmt::format("no listener for application {}", req->application));
}

}  // namespace reload::node
