// The ICE executor (DESIGN.md principle 2): one thread running one io_context that iterates
// a private GMainContext through a GlibLoop, or the node's own single-threaded executor doing
// the same. Every libnice agent of a node lives here; the node posts to get_executor() and
// the agents' users post back to their own executors.
#pragma once

#include <memory>
#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "transport/glib_loop.hpp"

namespace reload::transport {

class IceExecutor {
 public:
  // A thread of its own.
  IceExecutor();
  // No thread: GLib is iterated on `executor`, which one thread must run (a single-threaded
  // io_context, as a game loop polls it), and what crosses between the node and libnice
  // then stays on that thread (no wake-up of another thread per packet). stop() and the
  // destructor must run on that thread too, or after it stopped running the executor.
  explicit IceExecutor(asio::any_io_executor executor);
  // Stops the loop on its thread and joins it (unless stop() did). Close every agent first:
  // one left open is dropped with the context.
  ~IceExecutor();
  // Stops the loop and joins the thread, so that nothing runs on it any more, nor posts to
  // the executors of the agents' users: call it before those executors go (a program whose
  // io_context ends before its ICE sessions do). What is posted here afterwards never runs.
  void stop();
  IceExecutor(const IceExecutor&) = delete;
  IceExecutor& operator=(const IceExecutor&) = delete;

  GlibLoop& loop() noexcept { return *loop_; }
  asio::any_io_executor get_executor() noexcept { return loop_->get_executor(); }

 private:
  std::unique_ptr<asio::io_context> io_;  // null when running on another executor
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::unique_ptr<GlibLoop> loop_;
  std::thread thread_;
};

}  // namespace reload::transport
