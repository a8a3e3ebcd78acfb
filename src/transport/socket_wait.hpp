// The wait of a ByteChannel on a socket of its own (TCP, or connected UDP).
//
// Why not socket.async_wait(wait_read): Asio's epoll reactor re-arms the descriptor with an
// epoll_ctl call on every such wait (it cannot know whether the socket is readable already),
// one system call per packet on a busy link. A receive with MSG_PEEK is tried at once, and
// when nothing is there it waits on the edge-triggered registration the socket already has:
// no epoll_ctl. It takes nothing from the socket (a datagram socket peeks zero bytes, a
// stream socket one), so read_some() still reads everything.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <type_traits>

namespace reload::transport {

template <class Socket>
boost::asio::awaitable<boost::system::error_code> wait_on_socket(
    Socket& socket, boost::asio::socket_base::wait_type what) {
  namespace asio = boost::asio;
  boost::system::error_code ec;
  if (what != asio::socket_base::wait_read) {
    co_await socket.async_wait(what, asio::redirect_error(asio::use_awaitable, ec));
    co_return ec;
  }
  // A stream socket completes an empty receive at once, so it peeks one byte.
  constexpr bool stream = std::is_same_v<typename Socket::protocol_type, asio::ip::tcp>;
  std::uint8_t byte = 0;
  co_await socket.async_receive(asio::buffer(&byte, stream ? 1 : 0),
                                asio::socket_base::message_peek,
                                asio::redirect_error(asio::use_awaitable, ec));
  // The peer's end of the stream is readable too: read_some() reports it.
  if (ec == asio::error::eof) ec = {};
  co_return ec;
}

}  // namespace reload::transport
