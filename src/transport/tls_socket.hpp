// TLS straight on a non-blocking TCP socket: OpenSSL reads and writes the descriptor itself
// (through a BIO that sends with MSG_NOSIGNAL) and Asio only says when the socket is ready.
//
// Why not asio::ssl::stream: it keeps two 17 KiB record buffers per stream (zero-filled at
// construction) and a BIO pair of two more, about 70 KiB per link whether the link carries
// anything or not; a peer holds tens of links. Here an idle link holds no record buffer at
// all (SSL_MODE_RELEASE_BUFFERS lets OpenSSL free its own when they are empty), and the
// bytes go through one copy fewer.
//
// Reads and writes may run at the same time from two coroutines on the socket's executor;
// OpenSSL allows SSL_read and SSL_write to interleave on one thread. Errors: the OpenSSL
// error in asio::error::get_ssl_category(), a socket error in the system category,
// asio::error::eof for a close_notify, asio::ssl::error::stream_truncated for a peer that
// went away without one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/system/error_code.hpp>

typedef struct ssl_st SSL;

namespace reload::transport {

namespace asio = boost::asio;

class TlsSocket {
 public:
  using executor_type = asio::ip::tcp::socket::executor_type;

  // Takes a connected socket. An SSL object that cannot be made (out of memory) shows as
  // an error from handshake().
  TlsSocket(asio::ip::tcp::socket socket, asio::ssl::context& context);
  TlsSocket(TlsSocket&&) noexcept;
  TlsSocket& operator=(TlsSocket&&) noexcept;
  ~TlsSocket();

  asio::awaitable<boost::system::error_code> handshake(asio::ssl::stream_base::handshake_type role);
  // Reads what is there (at least one byte) into `into`; `n` is set to the count.
  asio::awaitable<boost::system::error_code> read_some(std::span<std::uint8_t> into, std::size_t& n);
  // Writes all of `bytes`, which must stay put until this returns.
  asio::awaitable<boost::system::error_code> write_all(std::span<const std::uint8_t> bytes);
  // Closes the socket: every pending wait ends with operation_aborted, and no SSL call is
  // made after it (the descriptor's number may be reused at once). No close_notify is sent;
  // the framing layer decides when a link ends.
  void close() noexcept;

  SSL* native_handle() const noexcept { return ssl_.get(); }
  asio::ip::tcp::socket& lowest_layer() noexcept { return socket_; }
  executor_type get_executor() noexcept { return socket_.get_executor(); }

 private:
  struct SslFree {
    void operator()(SSL* ssl) const noexcept;
  };
  asio::ip::tcp::socket socket_;
  std::unique_ptr<SSL, SslFree> ssl_;
};

}  // namespace reload::transport
