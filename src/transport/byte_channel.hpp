// What TlsSocket runs OpenSSL on: a non-blocking byte pipe. A TCP socket in production
// (TcpChannel), an in-memory pipe with fault injection in the tests (TestPipe), so that a
// real TLS link can be driven into write errors, stalled readers and half-closes without
// a network.
//
// Failures are reported as system error codes (errno values), because OpenSSL hands a
// failed read or write back to TlsSocket through errno.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/error_code.hpp>

namespace reload::transport {

namespace asio = boost::asio;

class ByteChannel {
 public:
  virtual ~ByteChannel() = default;

  // Move what is there now and return the count; 0 with `ec` set when nothing moved:
  // would_block (wait() for it), eof (the peer shut its sending side) or a failure.
  virtual std::size_t read_some(std::span<std::uint8_t> into, boost::system::error_code& ec) = 0;
  virtual std::size_t write_some(std::span<const std::uint8_t> bytes, boost::system::error_code& ec) = 0;
  // Until a read or write (as `what` says) would not block; operation_aborted once closed.
  virtual asio::awaitable<boost::system::error_code> wait(asio::socket_base::wait_type what) = 0;
  // Waits for something to read and reads it into `into`, setting `n`: read_some() after
  // wait(read), as one step that a socket does in one receive (a wait would look at the
  // socket first and then read it). Errors as read_some's, never would_block.
  virtual asio::awaitable<boost::system::error_code> async_read_some(std::span<std::uint8_t> into,
                                                                     std::size_t& n);
  // Ends every wait; nothing is read or written afterwards.
  virtual void close() noexcept = 0;
  virtual bool is_open() const noexcept = 0;
  // True when the channel keeps message boundaries (one write_some is one datagram, one
  // read_some returns one): TlsSocket then runs DTLS over it.
  virtual bool datagrams() const noexcept { return false; }
  virtual asio::any_io_executor get_executor() noexcept = 0;
};

}  // namespace reload::transport
