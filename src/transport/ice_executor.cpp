#include "transport/ice_executor.hpp"

#include <boost/asio/post.hpp>

namespace reload::transport {

IceExecutor::IceExecutor()
    : io_(std::make_unique<asio::io_context>(1)),
      work_(io_->get_executor()),
      loop_(std::make_unique<GlibLoop>(io_->get_executor())),
      thread_([this] { io_->run(); }) {}

IceExecutor::IceExecutor(asio::any_io_executor executor) : loop_(std::make_unique<GlibLoop>(std::move(executor))) {}

IceExecutor::~IceExecutor() {
  stop();
  loop_.reset();  // the thread is gone: nothing iterates the context any more
}

void IceExecutor::stop() {
  if (!io_) {
    loop_->stop();
    return;
  }
  if (!thread_.joinable()) return;
  // The loop releases the context on the thread that acquired it, and leaves no wait pending,
  // so run() returns once what is queued has run.
  asio::post(*io_, [this] {
    loop_->stop();
    work_.reset();
  });
  thread_.join();
}

}  // namespace reload::transport
