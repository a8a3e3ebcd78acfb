#include "transport/tcp_channel.hpp"

#include <cerrno>

#include <sys/socket.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace reload::transport {

using boost::system::error_code;

namespace {

// The count, or 0 and the error: would_block for EAGAIN and EINTR (wait and try again).
std::size_t result_of(ssize_t n, error_code& ec) {
  if (n >= 0) {
    ec = {};
    return static_cast<std::size_t>(n);
  }
  const int e = errno;
  ec = e == EAGAIN || e == EWOULDBLOCK || e == EINTR ? error_code(asio::error::would_block)
                                                     : error_code(e, boost::system::system_category());
  return 0;
}

}  // namespace

TcpChannel::TcpChannel(asio::ip::tcp::socket socket) : socket_(std::move(socket)) {
  error_code ignored;  // a socket that cannot be made non-blocking fails its first wait
  socket_.non_blocking(true, ignored);
}

std::size_t TcpChannel::read_some(std::span<std::uint8_t> into, error_code& ec) {
  const std::size_t n = result_of(::recv(socket_.native_handle(), into.data(), into.size(), 0), ec);
  if (n == 0 && !ec && !into.empty()) ec = asio::error::eof;
  return n;
}

std::size_t TcpChannel::write_some(std::span<const std::uint8_t> bytes, error_code& ec) {
  return result_of(::send(socket_.native_handle(), bytes.data(), bytes.size(), MSG_NOSIGNAL), ec);
}

asio::awaitable<error_code> TcpChannel::wait(asio::socket_base::wait_type what) {
  error_code ec;
  co_await socket_.async_wait(what, asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

void TcpChannel::close() noexcept {
  error_code ignored;
  socket_.close(ignored);
}

}  // namespace reload::transport
