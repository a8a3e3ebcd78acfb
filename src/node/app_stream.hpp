// What an AppAttach yields (RFC 6940 section 6.5.2): a byte stream straight to another peer,
// over the flow ICE chose, with TLS on it whose certificate carries the Node-ID that was
// attached to (the answerer's) or that sent the AppAttach (the requester's).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "transport/ice_agent.hpp"
#include "transport/peer_verification.hpp"
#include "transport/tls_socket.hpp"

namespace reload::node {

struct AppStream {
  std::unique_ptr<transport::TlsSocket> socket;  // handshake done, on the node's executor
  wire::NodeId peer;                             // the Node-ID checked against the certificate
  // The peer's certificate, for its user name; set on every stream handed out (optional
  // only so that a failed AppAttach can complete with an empty AppStream).
  std::optional<transport::PeerIdentity> identity;
  std::uint16_t application = 0;
  // The pair the checks chose: host, server-reflexive or relayed on each side. Unset when
  // libnice did not report it before the flow was handed over.
  std::optional<transport::IceSelectedPair> pair;
};

// A registered application's incoming streams; runs on the node's executor.
using AppStreamAcceptor = std::function<void(AppStream)>;

}  // namespace reload::node
