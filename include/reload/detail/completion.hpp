// How the public API turns a completion handler of any token into the copyable callback
// the library stores: the handler runs on its associated executor (the node's when it has
// none), posted, never inside the call that started the operation (DESIGN.md principle 8).
#pragma once

#include <functional>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>

namespace reload::detail {

template <class... Args, class Handler>
std::function<void(Args...)> posted(Handler&& handler, const boost::asio::any_io_executor& fallback) {
  auto shared = std::make_shared<std::decay_t<Handler>>(std::forward<Handler>(handler));
  return [shared, fallback](Args... args) {
    auto ex = boost::asio::get_associated_executor(*shared, fallback);
    boost::asio::post(ex, [shared, values = std::make_tuple(std::move(args)...)]() mutable {
      std::apply([&](auto&&... a) { std::move (*shared)(std::move(a)...); }, std::move(values));
    });
  };
}

}  // namespace reload::detail
