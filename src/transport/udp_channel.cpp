#include "transport/udp_channel.hpp"

#include <sys/socket.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/result.hpp>

namespace reload::transport {

using boost::system::error_code;

boost::system::result<std::unique_ptr<UdpChannel>> UdpChannel::connect(asio::any_io_executor ex,
                                                                       const asio::ip::udp::endpoint& to) {
  asio::ip::udp::socket socket(std::move(ex));
  error_code ec;
  socket.open(to.protocol(), ec);
  if (!ec) socket.connect(to, ec);
  if (!ec) socket.non_blocking(true, ec);
  if (ec) return ec;
  return std::make_unique<UdpChannel>(std::move(socket));
}

UdpChannel::UdpChannel(asio::ip::udp::socket socket) : socket_(std::move(socket)) {
  error_code ignored;  // a socket that cannot be made non-blocking fails its first wait
  socket_.non_blocking(true, ignored);
}

std::size_t UdpChannel::read_some(std::span<std::uint8_t> into, error_code& ec) {
  // An empty datagram carries nothing for DTLS, and a read of 0 would look like the end.
  for (;;) {
    const std::size_t n = socket_.receive(asio::buffer(into.data(), into.size()), 0, ec);
    if (n > 0 || ec || into.empty()) return n;
  }
}

std::size_t UdpChannel::write_some(std::span<const std::uint8_t> bytes, error_code& ec) {
  return socket_.send(asio::buffer(bytes.data(), bytes.size()), 0, ec);
}

asio::awaitable<error_code> UdpChannel::wait(asio::socket_base::wait_type what) {
  error_code ec;
  co_await socket_.async_wait(what, asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

void UdpChannel::close() noexcept {
  error_code ignored;
  socket_.close(ignored);
}

}  // namespace reload::transport
