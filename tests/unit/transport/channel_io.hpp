// Writing and reading whole byte counts through a ByteChannel, for the tests of stream
// channels: what TlsSocket does with a channel, without TLS.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/udp.hpp>

#include "transport/byte_channel.hpp"
#include "transport/udp_channel.hpp"
#include "wire/bytes.hpp"

namespace reload::transport::test {

inline boost::asio::awaitable<boost::system::error_code> write_all(ByteChannel& c, std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    boost::system::error_code ec;
    const std::size_t n = c.write_some(bytes, ec);
    if (ec == boost::asio::error::would_block) {
      if (auto w = co_await c.wait(boost::asio::socket_base::wait_write)) co_return w;
      continue;
    }
    if (ec) co_return ec;
    bytes = bytes.subspan(n);
  }
  co_return boost::system::error_code{};
}

// Appends to `out` until `count` bytes came or the stream ended (eof, or an error: returned).
inline boost::asio::awaitable<boost::system::error_code> read_up_to(ByteChannel& c, wire::Buffer& out, std::size_t count) {
  std::vector<std::uint8_t> buffer(65'536);
  while (out.size() < count) {
    boost::system::error_code ec;
    const std::size_t n = c.read_some(buffer, ec);
    if (ec == boost::asio::error::would_block) {
      if (auto w = co_await c.wait(boost::asio::socket_base::wait_read)) co_return w;
      continue;
    }
    if (ec) co_return ec;
    out.insert(out.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
  }
  co_return boost::system::error_code{};
}

// Two UDP sockets on 127.0.0.1 connected to each other.
inline std::pair<boost::asio::ip::udp::socket, boost::asio::ip::udp::socket> udp_socket_pair(
    const boost::asio::any_io_executor& ex) {
  namespace ip = boost::asio::ip;
  const ip::udp::endpoint any_port(ip::make_address("127.0.0.1"), 0);
  ip::udp::socket a(ex, any_port), b(ex, any_port);
  a.connect(b.local_endpoint());
  b.connect(a.local_endpoint());
  return {std::move(a), std::move(b)};
}

inline std::pair<std::unique_ptr<ByteChannel>, std::unique_ptr<ByteChannel>> udp_channel_pair(
    const boost::asio::any_io_executor& ex) {
  auto [a, b] = udp_socket_pair(ex);
  return {std::make_unique<UdpChannel>(std::move(a)), std::make_unique<UdpChannel>(std::move(b))};
}

inline wire::Buffer pattern(std::size_t size) {
  wire::Buffer b(size);
  for (std::size_t i = 0; i < size; ++i) b[i] = static_cast<std::uint8_t>((i * 131) ^ (i >> 9));
  return b;
}

}  // namespace reload::transport::test
