// reload::AppStream: a byte stream straight to another peer, what an AppAttach yields
// (RFC 6940 section 6.5.2). Node::async_app_attach() dials one; Node::listen() hands over the
// ones other peers dial. It runs over the flow the ICE checks chose (host, server-reflexive
// or relayed), with TLS on it whose certificate carries the Node-ID of the peer: the one
// dialled, or the one that dialled.
//
// It is an Asio AsyncReadStream and AsyncWriteStream on the node's executor, so
// boost::asio::async_read, async_write and async_read_until work on it, with any completion
// token. One read and one write may be outstanding at once. Completions are posted, never
// run inside the initiating call. Errors: asio::error::eof when the peer closed in good
// order, operation_aborted after close(), others when the stream broke.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include "reload/detail/completion.hpp"

namespace reload {

class Node;

class AppStream {
 public:
  using executor_type = boost::asio::any_io_executor;

  AppStream();  // a stream that is not open
  ~AppStream();  // closes it
  AppStream(AppStream&&) noexcept;
  AppStream& operator=(AppStream&&) noexcept;
  AppStream(const AppStream&) = delete;
  AppStream& operator=(const AppStream&) = delete;

  bool is_open() const noexcept;
  // The peer's Node-ID (hex), checked against its certificate, and the certificate's user.
  std::string peer() const;
  std::string peer_user() const;
  std::uint16_t application() const noexcept;
  // The candidate types of the pair ICE chose: "host", "srflx", "prflx" or "relay".
  std::string local_candidate() const;
  std::string remote_candidate() const;
  executor_type get_executor() const noexcept;

  // Reads at least one byte into the first buffer. Signature void(error_code, std::size_t).
  template <class MutableBufferSequence, class Token>
  auto async_read_some(const MutableBufferSequence& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, boost::asio::mutable_buffer into) {
          read_some(into, detail::posted<boost::system::error_code, std::size_t>(std::move(handler), get_executor()));
        },
        token, first_of<boost::asio::mutable_buffer>(buffers));
  }
  // Writes all of the first buffer. Signature void(error_code, std::size_t).
  template <class ConstBufferSequence, class Token>
  auto async_write_some(const ConstBufferSequence& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, boost::asio::const_buffer from) {
          write_some(from, detail::posted<boost::system::error_code, std::size_t>(std::move(handler), get_executor()));
        },
        token, first_of<boost::asio::const_buffer>(buffers));
  }

  // Ends the stream in good order: TLS's close_notify goes after what was written, and the
  // peer's reads end with asio::error::eof. Then close(). Signature void(error_code).
  template <class Token>
  auto async_shutdown(Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](auto handler) { shutdown(detail::posted<boost::system::error_code>(std::move(handler), get_executor())); },
        token);
  }
  // Ends the stream at once (no close_notify: the peer may not notice until its own
  // timeouts): what is pending completes with operation_aborted.
  void close() noexcept;

 private:
  friend class Node;
  struct Impl;
  explicit AppStream(std::shared_ptr<Impl> impl);

  template <class Buffer, class Sequence>
  static Buffer first_of(const Sequence& buffers) {
    auto it = boost::asio::buffer_sequence_begin(buffers);
    return it == boost::asio::buffer_sequence_end(buffers) ? Buffer() : Buffer(*it);
  }
  void read_some(boost::asio::mutable_buffer into, std::function<void(boost::system::error_code, std::size_t)> done);
  void write_some(boost::asio::const_buffer from, std::function<void(boost::system::error_code, std::size_t)> done);
  void shutdown(std::function<void(boost::system::error_code)> done);

  std::shared_ptr<Impl> impl_;
};

}  // namespace reload
