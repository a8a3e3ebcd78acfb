#include "transport/ready_signal.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace reload::transport {

using boost::system::error_code;

ReadySignal::~ReadySignal() {
  for (Waiter& w : waiters_) complete(w, asio::error::operation_aborted, false);
}

asio::awaitable<error_code> ReadySignal::wait() {
  const auto token = asio::as_tuple(asio::use_awaitable);
  auto [ec] = co_await asio::async_initiate<decltype(token), void(error_code)>(
      [this](auto handler) {
        auto slot = asio::get_associated_cancellation_slot(handler);
        add(std::move(handler), slot);
      },
      token);
  co_return ec;
}

void ReadySignal::add(asio::any_completion_handler<void(error_code)> handler,
                      asio::cancellation_slot slot) {
  // Moved in by construction: Boost 1.81's any_completion_handler cannot be move-assigned
  // (its operator= copies itself into its own constructor, without end).
  const Waiter& w = waiters_.emplace_back(++next_id_, std::move(handler), slot);
  if (slot.is_connected()) slot.assign([this, id = w.id](asio::cancellation_type) { cancel(id); });
}

void ReadySignal::cancel(std::uint64_t id) {
  for (auto it = waiters_.begin(); it != waiters_.end(); ++it) {
    if (it->id != id) continue;
    complete(*it, asio::error::operation_aborted, false);
    waiters_.erase(it);
    return;
  }
}

void ReadySignal::complete(Waiter& w, error_code ec, bool here) {
  if (w.slot.is_connected()) w.slot.clear();
  // On the signal's executor, the waiters' own; dispatch runs the waiter inside this call,
  // since this thread runs that executor.
  auto resume = [handler = std::move(w.handler), ec]() mutable { std::move(handler)(ec); };
  if (here)
    asio::dispatch(ex_, std::move(resume));
  else
    asio::post(ex_, std::move(resume));
}

void ReadySignal::resume_all(bool here) {
  // Taken out first: a resumed waiter usually waits again, on the list it finds empty.
  auto waiting = std::move(waiters_);
  waiters_.clear();
  for (Waiter& w : waiting) complete(w, {}, here);
}

}  // namespace reload::transport
