// The ICE executor (DESIGN.md principle 2): one thread running one io_context that iterates
// a private GMainContext through a GlibLoop. Every libnice agent of a node lives here; the
// node posts to get_executor() and the agents' users post back to their own executors.
#pragma once

#include <memory>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "transport/glib_loop.hpp"

namespace reload::transport {

class IceExecutor {
 public:
  IceExecutor();
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
  asio::any_io_executor get_executor() noexcept { return io_.get_executor(); }

 private:
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::unique_ptr<GlibLoop> loop_;
  std::thread thread_;
};

}  // namespace reload::transport
