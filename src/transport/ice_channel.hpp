// An ICE flow as a ByteChannel on another executor, so that TlsSocket, the one (D)TLS engine,
// runs over ICE as it runs over TCP (DESIGN.md principle 3): a reliable agent's byte stream
// (pseudo-TCP or ICE-TCP) carries TLS for AppAttach, a non-reliable agent's datagrams carry
// DTLS for DTLS-UDP-SR overlay links (the channel then keeps datagram boundaries: one
// write_some is one datagram, one read_some returns one).
//
// The agent stays on its GlibLoop's executor; the channel lives on the caller's. Bytes cross
// by posting: what the agent receives is posted to the channel's inbox, what the channel
// writes is posted to an outbox that the agent drains (as pseudo-TCP's window allows), and
// the count the agent took is posted back. Bounds (DESIGN.md principle 5): at most
// `max_in_flight` written bytes wait for the agent (write_some then blocks); a stream's reader
// that falls behind pauses the agent (IceAgent::pause_receiving), so the peer's sender is
// held back by pseudo-TCP's window; an inbox past `max_unread` all the same fails the channel
// with no_buffer_space for a stream, or drops the datagram, as a full socket buffer would.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>
#include <memory>

#include "transport/byte_channel.hpp"
#include "transport/ice_agent.hpp"

namespace reload::transport {

class GlibLoop;

struct IceChannelLimits {
  std::size_t max_in_flight = 256 * 1024;
  std::size_t max_unread = 1024 * 1024;
  // A stream's agent stops handing over bytes while more than this waits unread, and starts
  // again below a quarter of it: the peer's pseudo-TCP then sees a closed window.
  std::size_t pause_above = 256 * 1024;
};

// Call on the loop's executor, with an agent that is connected or ready; the channel takes
// the agent's receive, writable and state handlers, and closing the channel closes the
// agent. `executor` is where the channel is used. `loop_owner`, when given, is what keeps
// the loop alive (its IceExecutor): the channel holds it, so that a channel handed to an
// application can outlive the node that made it. `also_on_state`, when given, sees every
// later state of the agent too, on the loop's executor. `received_before` is what the agent
// received before the channel was made (the controlled side may receive before its own
// pair is chosen): the channel's reader gets it first.
std::unique_ptr<ByteChannel> make_ice_channel(std::shared_ptr<IceAgent> agent, GlibLoop& loop,
                                              asio::any_io_executor executor, IceChannelLimits limits = {},
                                              std::shared_ptr<void> loop_owner = nullptr,
                                              std::function<void(IceState)> also_on_state = nullptr,
                                              std::vector<std::vector<std::uint8_t>> received_before = {});

}  // namespace reload::transport
