#include "transport/listener.hpp"

#include <sys/socket.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "transport/tcp_acceptor.hpp"

namespace reload::transport {

using boost::system::error_code;

Listener::Listener(asio::any_io_executor ex, asio::ssl::context& tls,
                   crypto::CertificateCache& trust, LinkLimits limits, HandshakeLimits handshakes)
    : acceptor_(ex),
      tls_(tls),
      trust_(trust),
      limits_(limits),
      handshake_limits_(handshakes),
      silent_(handshakes.silent_in_all, handshakes.silent_stale),
      handshaking_(handshakes.in_all, handshakes.handshake_stale) {}

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

asio::awaitable<bool> Listener::first_byte(asio::ip::tcp::socket& socket) {
  // The timer cancels the wait; a timer that fired just as the byte came finds `over` set.
  auto over = std::make_shared<bool>(false);
  asio::steady_timer deadline(socket.get_executor(), handshake_limits_.first_byte);
  deadline.async_wait([&socket, over](error_code ec) {
    if (!ec && !*over) socket.cancel(ec);
  });
  error_code ec;
  co_await socket.async_wait(asio::ip::tcp::socket::wait_read, asio::redirect_error(asio::use_awaitable, ec));
  *over = true;
  deadline.cancel();
  co_return !ec;
}

namespace {

// Enters `stage`, shutting down the connection it evicts to make room (its pending read then
// fails at once and its owner leaves the stage). Nothing when the stage is full.
std::optional<AdmissionStage::Ticket> admit(AdmissionStage& stage, int fd) {
  auto a = stage.enter(static_cast<std::uint64_t>(fd), std::chrono::steady_clock::now());
  if (a.evict) ::shutdown(static_cast<int>(*a.evict), SHUT_RDWR);
  return a.ticket;
}

}  // namespace

asio::awaitable<void> Listener::serve(asio::ip::tcp::socket socket) {
  auto self = shared_from_this();
  error_code ec;
  const auto from = socket.remote_endpoint(ec).address();
  if (ec) co_return;  // gone already
  auto refuse = [this, &socket, &ec] {
    ++refused_;
    socket.close(ec);
  };
  auto& mine = connections_from_[from];
  if (mine >= handshake_limits_.per_address) {
    if (mine == 0) connections_from_.erase(from);
    refuse();
    co_return;
  }
  ++mine;
  auto leave = [this, from] {
    if (auto it = connections_from_.find(from); it != connections_from_.end() && --it->second == 0)
      connections_from_.erase(it);
  };
  auto waiting = admit(silent_, socket.native_handle());
  if (!waiting) {
    refuse();
    leave();
    co_return;
  }
  const bool spoke = co_await first_byte(socket) && !AdmissionStage::evicted(*waiting);
  silent_.leave(*waiting);
  auto shaking = spoke ? admit(handshaking_, socket.native_handle()) : std::nullopt;
  if (!shaking) {
    if (spoke) refuse();
    socket.close(ec);
    leave();
    co_return;
  }
  auto link = co_await TlsLink::accept(std::move(socket), tls_, trust_, limits_);
  handshaking_.leave(*shaking);
  leave();
  if (on_link_) on_link_(std::move(link));
}

}  // namespace reload::transport
