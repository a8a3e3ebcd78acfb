// What a reload::AppStream holds: the node's AppAttach stream (src/node/app_stream.hpp).
#pragma once

#include <reload/app_stream.hpp>

#include "node/app_stream.hpp"

namespace reload {

struct AppStream::Impl {
  explicit Impl(node::AppStream s) : stream(std::move(s)) {}
  node::AppStream stream;
  bool closed = false;
};

}  // namespace reload
