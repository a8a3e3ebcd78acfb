// The topology plug-in's methods (RFC 6940 sections 6.4.2 and 10): Join, Leave, Update and
// RouteQuery, served from the Chord core. Join and Leave are taken only from the peer itself
// over its own link (sections 6.4.2.1 and 6.4.2.2): the request's signer, the Node-ID in its
// body and the link it arrived on must all be the same peer. A Join is answered at once, and
// the joiner handed to `admit` (the shell hands it its data before Chord admits it).
#pragma once

#include <functional>
#include <string>

#include "node/method_handler.hpp"
#include "topology/chord.hpp"
#include "wire/codec_context.hpp"

namespace reload::node {

class TopologyMethods final : public MethodHandler {
 public:
  using Admit = std::function<void(const wire::NodeId& joiner, topology::TimePoint now)>;
  TopologyMethods(topology::Chord& chord, const wire::CodecContext& codec, std::size_t node_id_length,
                  std::function<void(const std::string&)> log, Admit admit);
  void register_in(MethodTable& table);
  Reply handle(const IncomingRequest& request) override;

 private:
  Reply join(const IncomingRequest& r);
  Reply leave(const IncomingRequest& r);
  Reply update(const IncomingRequest& r);
  Reply route_query(const IncomingRequest& r);

  topology::Chord& chord_;
  const wire::CodecContext& codec_;
  std::size_t node_id_length_;
  std::function<void(const std::string&)> log_;
  Admit admit_;
};

}  // namespace reload::node
