// A ByteChannel on a connected TCP socket: the production lower layer of TlsSocket.
// It sends with MSG_NOSIGNAL: a peer that reset the connection must not raise SIGPIPE in
// the program that embeds the node.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "transport/byte_channel.hpp"

namespace reload::transport {

class TcpChannel final : public ByteChannel {
 public:
  // Puts the socket in non-blocking mode.
  explicit TcpChannel(asio::ip::tcp::socket socket);

  std::size_t read_some(std::span<std::uint8_t> into, boost::system::error_code& ec) override;
  std::size_t write_some(std::span<const std::uint8_t> bytes, boost::system::error_code& ec) override;
  asio::awaitable<boost::system::error_code> wait(asio::socket_base::wait_type what) override;
  void close() noexcept override;
  bool is_open() const noexcept override { return socket_.is_open(); }
  asio::any_io_executor get_executor() noexcept override { return socket_.get_executor(); }

  asio::ip::tcp::socket& socket() noexcept { return socket_; }

 private:
  asio::ip::tcp::socket socket_;
};

}  // namespace reload::transport
