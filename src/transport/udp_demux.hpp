// One UDP socket that many peers send to, split into a datagram ByteChannel per source
// address and port (a flow): the listening side of DTLS-UDP-SR-NO-ICE links (RFC 6940
// section 6.6.4), where every peer dials the one port the node names in its Attach
// candidates or as a bootstrap node. A datagram from a source with no flow yet makes one,
// handed to the owner, but only when it can start a DTLS handshake (a handshake record);
// anything else from an unknown source is dropped.
//
// Bounds (DESIGN.md principle 5), against sources that cost nothing to forge: at most
// `max_flows` flows at once (newcomers past it are dropped and counted; the owner bounds
// what a flow may cost before it is authenticated), and at most `max_unread` datagrams wait
// in a flow for its reader (more are dropped, as a full socket buffer drops them). A send the socket cannot take now
// is dropped too: the layer above retransmits, as it must over UDP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include <boost/asio/ip/udp.hpp>

#include "transport/byte_channel.hpp"

namespace reload::transport {

struct UdpDemuxLimits {
  std::size_t max_flows = 1024;
  std::size_t max_unread = 64;
};

class UdpDemux : public std::enable_shared_from_this<UdpDemux> {
 public:
  // A new flow: its channel, a number that abort() knows it by, and where it comes from.
  using OnFlow = std::function<void(std::unique_ptr<ByteChannel>, std::uint64_t id, asio::ip::udp::endpoint from)>;

  UdpDemux(asio::any_io_executor ex, UdpDemuxLimits limits = {});
  ~UdpDemux();
  // Binds (port 0 picks a free one).
  boost::system::error_code open(const asio::ip::udp::endpoint& at);
  void start(OnFlow on_flow);
  // Closes the socket and fails every flow's reads and writes; releases the handler.
  void stop();
  // Fails one flow's reads and writes with operation_aborted (a handshake stage evicts it).
  void abort(std::uint64_t id);

  asio::ip::udp::endpoint local_endpoint() const;
  asio::any_io_executor get_executor() noexcept { return socket_.get_executor(); }
  std::size_t flows() const noexcept { return flows_.size(); }
  std::uint64_t dropped() const noexcept { return dropped_; }  // datagrams no flow took

  struct Flow;  // shared by a flow's channel and this table

 private:
  asio::awaitable<void> receive_loop();
  void forget(const Flow& flow);
  friend class UdpFlowChannel;

  asio::ip::udp::socket socket_;
  UdpDemuxLimits limits_;
  OnFlow on_flow_;
  std::map<asio::ip::udp::endpoint, std::shared_ptr<Flow>> flows_;
  std::uint64_t next_id_ = 1;
  std::uint64_t dropped_ = 0;
};

}  // namespace reload::transport
