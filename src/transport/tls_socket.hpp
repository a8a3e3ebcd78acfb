// TLS straight on a non-blocking byte pipe (a ByteChannel: TCP or an ICE byte stream in
// production, an in-memory TestPipe in tests), or DTLS on a datagram channel (an ICE flow):
// OpenSSL reads and writes the pipe itself through a BIO, and the channel only says when it
// is ready.
//
// Why not asio::ssl::stream: it keeps two 17 KiB record buffers per stream (zero-filled at
// construction) and a BIO pair of two more, about 70 KiB per link whether the link carries
// anything or not; a peer holds tens of links. Here an idle link holds no record buffer at
// all (SSL_MODE_RELEASE_BUFFERS lets OpenSSL free its own when they are empty), and the
// bytes go through one copy fewer.
//
// Reads and writes may run at the same time from two coroutines on the socket's executor;
// OpenSSL allows SSL_read and SSL_write to interleave on one thread. Errors: the OpenSSL
// error in asio::error::get_ssl_category(), a channel error in the system category,
// asio::error::eof for a close_notify, asio::ssl::error::stream_truncated for a peer that
// went away without one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/system/error_code.hpp>

#include "transport/byte_channel.hpp"

typedef struct ssl_st SSL;

namespace reload::transport {

namespace asio = boost::asio;

// What a DTLS datagram holds at most: under the IPv6 minimum MTU with room for UDP, IP and
// TURN's framing, as RFC 8445 and RFC 6940's DTLS-UDP-SR links need (ICE-NOTES.md).
inline constexpr unsigned dtls_datagram_size = 1200;

class TlsSocket {
 public:
  using executor_type = asio::any_io_executor;
  // Called with bytes that are valid only during the call.
  using Sink = std::function<void(std::span<const std::uint8_t>)>;

  // Takes a connected pipe (or socket, as a TcpChannel). An SSL object that cannot be made
  // (out of memory) shows as an error from handshake().
  TlsSocket(std::unique_ptr<ByteChannel> channel, asio::ssl::context& context);
  TlsSocket(asio::ip::tcp::socket socket, asio::ssl::context& context);
  TlsSocket(TlsSocket&&) noexcept;
  TlsSocket& operator=(TlsSocket&&) noexcept;
  ~TlsSocket();

  asio::awaitable<boost::system::error_code> handshake(asio::ssl::stream_base::handshake_type role);
  // Reads what is there (at least one byte) into `into`; `n` is set to the count.
  asio::awaitable<boost::system::error_code> read_some(std::span<std::uint8_t> into, std::size_t& n);
  // Waits until there is something to read, then reads it into a buffer of the thread and
  // hands it to `take` before anything else runs. The buffer is never held across a wait,
  // so the read may resume on any thread of a pool, and a reader waiting on an idle socket
  // holds no buffer at all.
  asio::awaitable<boost::system::error_code> read_some(Sink take);
  // Writes all of `bytes`, which must stay put until this returns.
  asio::awaitable<boost::system::error_code> write_all(std::span<const std::uint8_t> bytes);
  // Writes all of `bytes` now, if the channel takes them without a wait, and returns their
  // count; else 0 and `ec`: would_block, after which the same bytes (they may have moved)
  // must go to write_all(), which is OpenSSL's retry, or the failure. Waits for nothing and runs no
  // handler: a sender on the executor saves the hand-over to a writer coroutine. Not while
  // a write_all() is under way.
  std::size_t write_now(std::span<const std::uint8_t> bytes, boost::system::error_code& ec);
  // Sends our close_notify (waiting for the channel to take it) and does not wait for the
  // peer's, which TLS allows; then close() ends the connection.
  asio::awaitable<boost::system::error_code> send_close_notify();
  // Closes the channel: every pending wait ends with operation_aborted, and no SSL call is
  // made after it (a descriptor's number may be reused at once). No close_notify is sent;
  // the framing layer decides when a link ends.
  void close() noexcept;

  // DTLS over a datagram channel (ByteChannel::datagrams()): the largest write_all, one
  // record in one datagram of at most dtls_datagram_size bytes; 0 for TLS over a stream.
  std::size_t max_record_payload() const noexcept;

  SSL* native_handle() const noexcept { return ssl_.get(); }
  ByteChannel& channel() noexcept { return *channel_; }
  executor_type get_executor() noexcept { return channel_->get_executor(); }

 private:
  struct SslFree {
    void operator()(SSL* ssl) const noexcept;
  };
  std::unique_ptr<ByteChannel> channel_;  // heap-held: the BIO points at it across moves
  std::unique_ptr<SSL, SslFree> ssl_;
};

}  // namespace reload::transport
