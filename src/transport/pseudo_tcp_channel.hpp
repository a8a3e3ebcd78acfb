// A reliable, ordered byte stream over a datagram channel: libnice's pseudo-TCP (the same
// segments a reliable libnice agent sends, conversation 0, a 1,400-byte MTU, both ends
// opening at once), run by the node's own loop instead of inside an agent. What AppAttach's
// TLS runs on once the flow ICE chose is the node's own socket (SelectedPairChannel behind a
// HandoverChannel): no GLib main-loop iteration, agent lock or thread hand-over per segment.
//
// close() ends the channel for its user at once, then lingers (at most `linger`) to deliver
// what was written and the FIN, so that a TLS close_notify written just before reaches the
// peer; the datagram channel below is closed after that.
#pragma once

#include <chrono>
#include <memory>

#include "transport/byte_channel.hpp"

namespace reload::transport {

struct PseudoTcpOptions {
  std::chrono::milliseconds linger{2000};
};

// Runs on `datagrams`' executor; the connection opens by itself.
std::unique_ptr<ByteChannel> make_pseudo_tcp_channel(std::unique_ptr<ByteChannel> datagrams,
                                                     PseudoTcpOptions options = {});

}  // namespace reload::transport
