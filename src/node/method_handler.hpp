// How a request this node must answer reaches the part that owns its method. Each part
// (storage, the topology plug-in, diagnostics, Attach, later the XMPP usage) implements
// MethodHandler and registers the request codes it serves in the node's MethodTable, so
// that adding a method adds a file, not a case to the node.
//
// Handlers are sans-I/O: they get the verified request and return the answer; the shell
// signs and sends it, then carries out the effects the handler queued in its own core
// (Chord's effects, storage's replica stores).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/container/flat_map.hpp>
#include <reload/errors.hpp>

#include "crypto/signing.hpp"
#include "wire/message.hpp"

namespace reload::node {

struct IncomingRequest {
  const wire::Message& message;
  const crypto::VerifiedSigner& signer;
  const wire::NodeId& sender;        // the Node-ID that signed it
  const wire::NodeId& previous_hop;  // the peer whose link it arrived on (self when local)
  std::chrono::steady_clock::time_point now;
};

struct Answer {
  wire::MessageCode code;
  wire::Buffer body;
  std::vector<crypto::Certificate> certificates;  // into the security block after ours
};

// An RFC error response (section 6.3.3.1).
struct Refusal {
  errc code;
  wire::Buffer error_info;  // sent as it is: text, or a KindId list for Error_Unknown_Kind
  std::string reason;       // for the log
  static Refusal text(errc code, std::string_view reason) {
    return {code, wire::Buffer(reason.begin(), reason.end()), std::string(reason)};
  }
};

// The handler answers later, through the shell's reply_later(): it must wait for I/O first
// (an AppAttach answers only once its own ICE candidates are gathered).
struct Deferred {};

using Reply = std::variant<Answer, Refusal, Deferred>;

class MethodHandler {
 public:
  virtual ~MethodHandler() = default;
  virtual Reply handle(const IncomingRequest& request) = 0;
};

// One handler per request code.
class MethodTable {
 public:
  // Throws std::logic_error when `code` is not a request code or already has a handler: two
  // owners of one method is a programming error.
  void add(wire::MessageCode code, MethodHandler& handler);
  MethodHandler* find(std::uint16_t code) const noexcept;

 private:
  boost::container::flat_map<std::uint16_t, MethodHandler*> handlers_;
};

}  // namespace reload::node
