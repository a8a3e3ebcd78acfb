#include "node/app_attach_method.hpp"

#include <fmt/format.h>

#include "wire/attach.hpp"
#include "wire/codec.hpp"

namespace reload::node {

Reply AppAttachMethod::handle(const IncomingRequest& r) {
  auto req = wire::decode_exact<wire::AppAttachReq>(r.message.contents.message_body, codec_);
  if (!req) return Refusal::text(errc::invalid_message, "undecodable AppAttachReq");
  return Refusal::text(errc::not_found, fmt::format("no listener for application {}", req->application));
}

}  // namespace reload::node
