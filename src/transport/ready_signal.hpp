// Readiness that lives in memory (a pseudo-TCP flow's), handed to the coroutines waiting for
// it. notify() resumes them through the executor, as cancelling a timer does, and is safe
// anywhere. notify_here() resumes them inside the call: no pass of the io_context's reactor
// and scheduler between a packet read and the reader that takes its bytes, which on a busy
// stream is a few microseconds of every round trip. Its caller must hold nothing that a
// resumed waiter could touch (the top of the channel's own receive loop, not a callback from
// inside a read or write).
#pragma once

#include <cstdint>
#include <list>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/system/error_code.hpp>

namespace reload::transport {

namespace asio = boost::asio;

class ReadySignal {
 public:
  // `ex` is the executor of the waiters, which must be the caller's too.
  explicit ReadySignal(asio::any_io_executor ex) : ex_(std::move(ex)) {}
  // Waiters still there are resumed with operation_aborted, through the executor.
  ~ReadySignal();
  ReadySignal(const ReadySignal&) = delete;
  ReadySignal& operator=(const ReadySignal&) = delete;

  // Until the next notify; operation_aborted when the wait is cancelled (as the || of
  // awaitable_operators does to the loser) or the signal goes.
  asio::awaitable<boost::system::error_code> wait();
  void notify() { resume_all(false); }
  void notify_here() { resume_all(true); }

 private:
  struct Waiter {
    Waiter(std::uint64_t i, asio::any_completion_handler<void(boost::system::error_code)> h,
           asio::cancellation_slot s)
        : id(i), handler(std::move(h)), slot(s) {}
    std::uint64_t id;
    asio::any_completion_handler<void(boost::system::error_code)> handler;
    asio::cancellation_slot slot;
  };

  void add(asio::any_completion_handler<void(boost::system::error_code)> handler,
           asio::cancellation_slot slot);
  void cancel(std::uint64_t id);
  void complete(Waiter& waiter, boost::system::error_code ec, bool here);
  void resume_all(bool here);

  asio::any_io_executor ex_;
  std::list<Waiter> waiters_;
  std::uint64_t next_id_ = 0;
};

}  // namespace reload::transport
