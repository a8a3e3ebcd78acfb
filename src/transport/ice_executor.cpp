#include "transport/ice_executor.hpp"

#include <boost/asio/post.hpp>

namespace reload::transport {

IceExecutor::IceExecutor()
    : work_(io_.get_executor()), loop_(std::make_unique<GlibLoop>(io_.get_executor())), thread_([this] { io_.run(); }) {}

IceExecutor::~IceExecutor() {
  // The loop releases the context on the thread that acquired it.
  asio::post(io_, [this] {
    loop_.reset();
    work_.reset();
  });
  thread_.join();
}

}  // namespace reload::transport
