// A private GMainContext driven from an Asio executor (DESIGN.md principle 2; ICE-NOTES.md,
// "Threads"). libnice 0.1.21 is safe only when every nice_agent_* call and every callback
// of an agent runs on the thread that iterates the agent's GMainContext, so that context is
// iterated here, from handlers of one single-threaded executor, and everything that touches
// an agent is posted to that executor.
//
// One iteration is GLib's own (prepare, query, poll, check, dispatch) with the poll replaced
// by Asio waits: GLib's descriptors are kept in an epoll set of the loop's own (changed only
// when GLib's list changes), Asio waits for that one descriptor and a steady_timer for the
// timeout; the first to fire cancels the other, poll(2) with a zero timeout fills in
// revents, and GLib checks and dispatches. A descriptor GLib closed leaves the set by itself
// (the kernel drops it), so a reused number is simply added again. The context stays
// acquired by the executor's thread while the loop runs.
#pragma once

#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

using GMainContext = struct _GMainContext;

namespace reload::transport {

namespace asio = boost::asio;

class GlibLoop {
 public:
  // Starts iterating a new private context on `executor`, which must run its handlers on
  // one thread at a time (an io_context run by one thread, or a strand of one).
  explicit GlibLoop(asio::any_io_executor executor);
  // Stops the loop and unrefs the context. Call it on the executor's thread, or after the
  // executor stopped running (handlers still queued then do nothing).
  ~GlibLoop();
  // Stops iterating (on the executor's thread): nothing of GLib's runs afterwards, no wait is
  // left pending on the executor, and functions posted later run without iterating.
  void stop();
  GlibLoop(const GlibLoop&) = delete;
  GlibLoop& operator=(const GlibLoop&) = delete;

  GMainContext* context() const noexcept;
  const asio::any_io_executor& get_executor() const noexcept;

  // Runs `fn` on the executor and then iterates again: a source that `fn` attaches to the
  // context from the owning thread wakes nobody, so the wait in progress would not see it.
  void post(std::function<void()> fn);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace reload::transport
