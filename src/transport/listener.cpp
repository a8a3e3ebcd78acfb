#include "transport/listener.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace reload::transport {

using boost::system::error_code;

Listener::Listener(asio::any_io_executor ex, asio::ssl::context& tls,
                   crypto::CertificateCache& trust, LinkLimits limits)
    : acceptor_(ex), tls_(tls), trust_(trust), limits_(limits) {}

error_code Listener::listen(const asio::ip::tcp::endpoint& at) {
  error_code ec;
  acceptor_.open(at.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(at, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  return ec;
}

void Listener::start(OnLink on_link) {
  on_link_ = std::move(on_link);
  asio::co_spawn(acceptor_.get_executor(), [self = shared_from_this()] { return self->accept_loop(); },
                 asio::detached);
}

void Listener::stop() {
  error_code ignored;
  acceptor_.close(ignored);
}

asio::ip::tcp::endpoint Listener::local_endpoint() const {
  error_code ec;
  return acceptor_.local_endpoint(ec);
}

asio::awaitable<void> Listener::accept_loop() {
  auto self = shared_from_this();
  while (acceptor_.is_open()) {
    error_code ec;
    auto socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      // E.g. too many open files: the error would repeat at once, so pause before trying
      // again instead of spinning.
      asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    asio::co_spawn(
        acceptor_.get_executor(),
        [self, s = std::move(socket)]() mutable -> asio::awaitable<void> {
          auto link = co_await TlsLink::accept(std::move(s), self->tls_, self->trust_, self->limits_);
          if (self->on_link_) self->on_link_(std::move(link));
        },
        asio::detached);
  }
}

}  // namespace reload::transport
