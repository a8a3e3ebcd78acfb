// A deadline on a (D)TLS handshake, shared by the link types.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace reload::transport {

// Calls `expire` if the handshake has not finished by then: a peer that connects and says
// nothing must not hold a slot.
struct HandshakeDeadline {
  HandshakeDeadline(const boost::asio::any_io_executor& ex, std::chrono::milliseconds timeout,
                    std::function<void()> expire)
      : timer(ex, timeout), over(std::make_shared<bool>(false)) {
    // A timer that fired just as the handshake finished has its handler queued already and
    // cancel() cannot take it back; by then what `expire` closes may be moved into a link or
    // gone, so the handler looks at `over` first.
    timer.async_wait([expire = std::move(expire), over = over](boost::system::error_code ec) {
      if (!ec && !*over) expire();
    });
  }
  ~HandshakeDeadline() {
    *over = true;
    timer.cancel();
  }
  boost::asio::steady_timer timer;
  std::shared_ptr<bool> over;
};

}  // namespace reload::transport
