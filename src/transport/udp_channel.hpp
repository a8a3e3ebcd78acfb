// A ByteChannel on a connected UDP socket, keeping datagrams: what TlsSocket runs DTLS on
// for a DTLS-UDP-SR-NO-ICE link this node dials (a bootstrap link, or the answer to a No-ICE
// Attach; RFC 6940 section 6.6.4). Each dialled link has a socket of its own, so its 5-tuple
// never meets a flow the node's UdpDemux accepted from the same peer. A peer whose port is
// closed shows as connection_refused (the ICMP error a connected socket reports), which ends
// a handshake at once instead of at its timeout.
#pragma once

#include <memory>

#include <boost/asio/ip/udp.hpp>
#include <boost/system/result.hpp>

#include "transport/byte_channel.hpp"

namespace reload::transport {

class UdpChannel final : public ByteChannel {
 public:
  // Opens a socket on an ephemeral port and connects it to `to`.
  static boost::system::result<std::unique_ptr<UdpChannel>> connect(asio::any_io_executor ex,
                                                                    const asio::ip::udp::endpoint& to);
  explicit UdpChannel(asio::ip::udp::socket socket);

  std::size_t read_some(std::span<std::uint8_t> into, boost::system::error_code& ec) override;
  std::size_t write_some(std::span<const std::uint8_t> bytes, boost::system::error_code& ec) override;
  asio::awaitable<boost::system::error_code> wait(asio::socket_base::wait_type what) override;
  void close() noexcept override;
  bool is_open() const noexcept override { return socket_.is_open(); }
  bool datagrams() const noexcept override { return true; }
  asio::any_io_executor get_executor() noexcept override { return socket_.get_executor(); }

 private:
  asio::ip::udp::socket socket_;
};

}  // namespace reload::transport
