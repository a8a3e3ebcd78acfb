#include "transport/listener.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include "transport/tcp_acceptor.hpp"

namespace reload::transport {

using boost::system::error_code;

Listener::Listener(asio::any_io_executor ex, asio::ssl::context& tls,
                   crypto::CertificateCache& trust, LinkLimits limits, HandshakeLimits handshakes)
    : acceptor_(ex), tls_(tls), trust_(trust), limits_(limits), handshake_limits_(handshakes) {}

error_code Listener::listen(const asio::ip::tcp::endpoint& at) { return listen_on(acceptor_, at); }

void Listener::start(OnLink on_link) {
  on_link_ = std::move(on_link);
  auto self = shared_from_this();
  asio::co_spawn(acceptor_.get_executor(),
                 accept_each(acceptor_, [self](asio::ip::tcp::socket s) { return self->serve(std::move(s)); }),
                 asio::detached);
}

void Listener::stop() {
  error_code ignored;
  acceptor_.close(ignored);
  // The handler usually holds its owner (a node's shared_from_this): let go of it, so a
  // stopped owner is freed. Later, since stop() may run inside the handler itself.
  asio::post(acceptor_.get_executor(), [dropped = std::move(on_link_)] {});
  on_link_ = nullptr;
}

asio::ip::tcp::endpoint Listener::local_endpoint() const {
  error_code ec;
  return acceptor_.local_endpoint(ec);
}

asio::awaitable<void> Listener::serve(asio::ip::tcp::socket socket) {
  auto self = shared_from_this();
  error_code ec;
  const auto from = socket.remote_endpoint(ec).address();
  if (ec) co_return;  // gone already
  auto& mine = handshaking_from_[from];
  if (handshaking_ >= handshake_limits_.in_all || mine >= handshake_limits_.per_address) {
    if (mine == 0) handshaking_from_.erase(from);
    ++refused_;
    socket.close(ec);
    co_return;
  }
  ++handshaking_;
  ++mine;
  auto link = co_await TlsLink::accept(std::move(socket), tls_, trust_, limits_);
  --handshaking_;
  if (auto it = handshaking_from_.find(from); it != handshaking_from_.end() && --it->second == 0)
    handshaking_from_.erase(it);
  if (on_link_) on_link_(std::move(link));
}

}  // namespace reload::transport
