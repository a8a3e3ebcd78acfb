#include "transport/selected_pair_channel.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>


namespace reload::transport {

using boost::system::error_code;

SelectedPairChannel::SelectedPairChannel(asio::ip::udp::socket socket, std::unique_ptr<IceCheckAnswerer> answerer,
                                         std::chrono::milliseconds keepalive_after)
    : socket_(std::move(socket)), keepalive_after_(keepalive_after), keepalive_(socket_.get_executor()),
      answerer_(std::move(answerer)) {
  error_code ignored;  // a socket that cannot be made non-blocking fails its first wait
  socket_.non_blocking(true, ignored);
  remote_ = socket_.remote_endpoint(ignored);
  arm_keepalive();
}

SelectedPairChannel::~SelectedPairChannel() { *alive_ = false; }

void SelectedPairChannel::arm_keepalive() {
  keepalive_.expires_at(last_write_ + keepalive_after_);
  keepalive_.async_wait([this, alive = alive_](error_code ec) {
    if (!*alive || ec || !socket_.is_open()) return;
    if (std::chrono::steady_clock::now() - last_write_ >= keepalive_after_) {
      error_code ignored;
      write_some(answerer_->keepalive(), ignored);
      ++keepalives_sent_;
    }
    arm_keepalive();
  });
}

bool SelectedPairChannel::for_above(std::span<const std::uint8_t> datagram) {
  // An empty datagram carries nothing, and a read of 0 would look like the end.
  if (datagram.empty()) return false;
  if (!IceCheckAnswerer::looks_like_stun(datagram)) return true;
  // The remote endpoint is the only one a connected socket hears from.
  switch (answerer_->handle(datagram, remote_, answer_)) {
    case StunVerdict::not_stun:
      return true;
    case StunVerdict::dropped:
      return false;
    case StunVerdict::answered: {
      error_code ignored;  // lost like any datagram: the peer checks again
      socket_.send(asio::buffer(answer_), 0, ignored);
      ++checks_answered_;
      return false;
    }
  }
  return false;
}

std::size_t SelectedPairChannel::read_some(std::span<std::uint8_t> into, error_code& ec) {
  for (;;) {
    const std::size_t n = socket_.receive(asio::buffer(into.data(), into.size()), 0, ec);
    if (ec || into.empty() || for_above(into.first(n))) return n;
  }
}

asio::awaitable<error_code> SelectedPairChannel::async_read_some(std::span<std::uint8_t> into,
                                                                 std::size_t& n) {
  // One receive per datagram: Asio tries it at once and, when nothing is there, performs it
  // when epoll reports the socket (no epoll_ctl, no second look at the socket).
  const auto alive = alive_;
  for (;;) {
    error_code ec;
    n = co_await socket_.async_receive(asio::buffer(into.data(), into.size()),
                                       asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return ec;
    if (!*alive) co_return asio::error::operation_aborted;
    if (into.empty() || for_above(into.first(n))) co_return ec;
  }
}

std::size_t SelectedPairChannel::write_some(std::span<const std::uint8_t> bytes, error_code& ec) {
  last_write_ = std::chrono::steady_clock::now();
  return socket_.send(asio::buffer(bytes.data(), bytes.size()), 0, ec);
}

asio::awaitable<error_code> SelectedPairChannel::wait(asio::socket_base::wait_type what) {
  error_code ec;
  if (what != asio::socket_base::wait_read) {
    co_await socket_.async_wait(what, asio::redirect_error(asio::use_awaitable, ec));
    co_return ec;
  }
  // Not async_wait(wait_read): Asio's epoll reactor re-arms the descriptor with an epoll_ctl
  // call on every such wait, one system call per packet. A zero-byte receive that peeks is
  // tried at once and otherwise waits on the registration the socket already has; it takes
  // nothing, so read_some() still reads every datagram.
  co_await socket_.async_receive(asio::mutable_buffer(), asio::socket_base::message_peek,
                                 asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

void SelectedPairChannel::close() noexcept {
  error_code ignored;
  socket_.close(ignored);
  keepalive_.cancel();
}

}  // namespace reload::transport
