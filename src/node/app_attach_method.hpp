// AppAttach (RFC 6940 section 6.5.2) as the answering peer sees it: the request is decoded
// and checked here, and handed to the acceptor, which knows the applications a local
// listener registered. An application nobody registered gets the answer section 6.5.2.2
// requires: Error_Not_Found.
#pragma once

#include <functional>
#include <optional>

#include "node/method_handler.hpp"
#include "wire/attach.hpp"
#include "wire/codec_context.hpp"

namespace reload::node {

class AppAttachMethod final : public MethodHandler {
 public:
  // The reply to an AppAttach for a registered application (Deferred while its ICE agent
  // gathers), or nullopt when no listener registered it.
  using Acceptor = std::function<std::optional<Reply>(const IncomingRequest&, const wire::AppAttachReq&)>;

  AppAttachMethod(const wire::CodecContext& codec, Acceptor accept) : codec_(codec), accept_(std::move(accept)) {}
  void register_in(MethodTable& table) { table.add(wire::MessageCode::app_attach_req, *this); }
  Reply handle(const IncomingRequest& request) override;

 private:
  const wire::CodecContext& codec_;
  Acceptor accept_;
};

}  // namespace reload::node
