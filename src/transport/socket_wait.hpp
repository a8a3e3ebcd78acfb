// The read wait of a ByteChannel on a datagram socket of its own (SelectedPairChannel).
//
// Why not socket.async_wait(wait_read): Asio's epoll reactor re-arms the descriptor with an
// epoll_ctl call on every such wait (it cannot know whether the socket is readable already),
// one system call per packet on a busy flow. A zero-byte receive with MSG_PEEK is tried at
// once, and when nothing is there it waits on the edge-triggered registration the socket
// already has: no epoll_ctl. It takes nothing from the socket, so read_some() still reads
// every datagram.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>

namespace reload::transport {

inline boost::asio::awaitable<boost::system::error_code> wait_on_socket(
    boost::asio::ip::udp::socket& socket, boost::asio::socket_base::wait_type what) {
  namespace asio = boost::asio;
  boost::system::error_code ec;
  if (what != asio::socket_base::wait_read) {
    co_await socket.async_wait(what, asio::redirect_error(asio::use_awaitable, ec));
    co_return ec;
  }
  co_await socket.async_receive(asio::mutable_buffer(), asio::socket_base::message_peek,
                                asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

}  // namespace reload::transport
