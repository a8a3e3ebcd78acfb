// The wait of a ByteChannel whose readiness lives in memory (an ICE flow, a flow of a
// UdpDemux): it sleeps on the channel's `wake` timer, which the channel cancels whenever
// something changed, until `ready()` gives an answer. A wake-up looks again; a cancellation
// of the wait itself (TlsSocket's DTLS retransmission timer came first) ends it with
// operation_aborted. `ready` must keep alive what owns `wake`. A channel that can resume its
// waiters without a trip through the io_context sleeps on a ReadySignal instead.
#pragma once

#include <optional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "transport/ready_signal.hpp"

namespace reload::transport {

// `Ready` returns std::optional<boost::system::error_code>: nothing while the wait goes on.
template <class Ready>
boost::asio::awaitable<boost::system::error_code> wait_until(boost::asio::steady_timer& wake, Ready ready) {
  namespace asio = boost::asio;
  for (;;) {
    if (auto answer = ready()) co_return *answer;
    boost::system::error_code ignored;
    co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    const asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none) co_return asio::error::operation_aborted;
  }
}

template <class Ready>
boost::asio::awaitable<boost::system::error_code> wait_until(ReadySignal& wake, Ready ready) {
  for (;;) {
    if (auto answer = ready()) co_return *answer;
    // Only a cancelled wait, or a signal that went, ends with an error.
    if (co_await wake.wait()) co_return boost::asio::error::operation_aborted;
  }
}

}  // namespace reload::transport
