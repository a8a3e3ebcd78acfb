// The TCP half of every listener (overlay links, XMPP streams): bind and listen, then hand
// each accepted connection to its own coroutine, so one slow or hostile client never holds
// up the others.
#pragma once

#include <functional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

namespace reload::transport {

namespace asio = boost::asio;

// Opens, binds (address reuse on) and listens. Port 0 picks a free one.
boost::system::error_code listen_on(asio::ip::tcp::acceptor& acceptor, const asio::ip::tcp::endpoint& at);

// Accepts until `acceptor` is closed, co_spawning `serve(socket)` for each connection. After
// an accept error (too many open files, say) it pauses instead of spinning. `serve` must not
// depend on captures that die with it: bind a member coroutine that keeps its owner alive.
asio::awaitable<void> accept_each(asio::ip::tcp::acceptor& acceptor,
                                  std::function<asio::awaitable<void>(asio::ip::tcp::socket)> serve);

}  // namespace reload::transport
