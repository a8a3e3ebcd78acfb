// AppAttach (RFC 6940 section 6.5.2) as the answering peer sees it. An application is served
// only when a local listener registered it; until AppAttach streams run over ICE (issue
// 15) nothing can register, so every AppAttach gets the answer section 6.5.2.2 requires for
// an application this peer does not support: Error_Not_Found.
#pragma once

#include "node/method_handler.hpp"
#include "wire/codec_context.hpp"

namespace reload::node {

class AppAttachMethod final : public MethodHandler {
 public:
  explicit AppAttachMethod(const wire::CodecContext& codec) : codec_(codec) {}
  void register_in(MethodTable& table) { table.add(wire::MessageCode::app_attach_req, *this); }
  Reply handle(const IncomingRequest& request) override;

 private:
  const wire::CodecContext& codec_;
};

}  // namespace reload::node
