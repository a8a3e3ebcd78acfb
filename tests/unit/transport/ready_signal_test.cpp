// ReadySignal: a notify() resumes the waiters through the executor, a notify_here() inside
// the call; a cancelled wait and a signal that goes end waits with operation_aborted.
#include "transport/ready_signal.hpp"

// g++ 12 at -O2 inlines Asio's coroutine-frame allocation next to its deallocation and then
// reports a mismatch that is not there.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <optional>
#include <vector>

using namespace reload::transport;
using boost::system::error_code;
using namespace std::chrono_literals;

namespace {

// Waits on `signal` `times` times, noting each result.
void waiter(asio::io_context& io, ReadySignal& signal, std::vector<error_code>& results,
            int times) {
  asio::co_spawn(
      io,
      [&signal, &results, times]() -> asio::awaitable<void> {
        for (int i = 0; i < times; ++i) results.push_back(co_await signal.wait());
      },
      asio::detached);
}

}  // namespace

TEST_CASE("notify resumes the waiters later, notify_here inside the call, each wait once") {
  asio::io_context io;
  ReadySignal signal(io.get_executor());
  std::vector<error_code> a, b;
  waiter(io, signal, a, 2);
  waiter(io, signal, b, 1);
  io.poll();
  REQUIRE(a.empty());

  signal.notify();
  CHECK(a.empty());  // not inside the call
  io.poll();
  CHECK(a.size() == 1);
  CHECK(b.size() == 1);
  CHECK_FALSE(a[0]);

  // Run by the executor's own thread, as a channel's receive loop is: the waiter has run
  // when notify_here returns, and waits again on the signal it was resumed from.
  bool resumed_inside = false;
  asio::post(io, [&] {
    signal.notify_here();
    resumed_inside = a.size() == 2;
  });
  io.poll();
  CHECK(resumed_inside);
  CHECK_FALSE(a[1]);
  CHECK(b.size() == 1);  // it waited once only
}

TEST_CASE("a wait that loses a race is cancelled, and a signal that goes ends its waits") {
  using namespace asio::experimental::awaitable_operators;
  asio::io_context io;
  auto signal = std::make_unique<ReadySignal>(io.get_executor());
  std::optional<std::size_t> winner;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        asio::steady_timer timer(io, 10ms);
        auto first = co_await (signal->wait() || timer.async_wait(asio::use_awaitable));
        winner = first.index();
      },
      asio::detached);
  io.run_for(200ms);
  REQUIRE(winner);
  CHECK(*winner == 1);  // the timer: the signal's wait was cancelled, not left hanging

  std::vector<error_code> results;
  waiter(io, *signal, results, 1);
  io.restart();
  io.poll();
  signal.reset();
  io.restart();
  io.poll();
  REQUIRE(results.size() == 1);
  CHECK(results[0] == asio::error::operation_aborted);
}
