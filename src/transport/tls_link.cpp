#include "transport/tls_link.hpp"

#include <array>
#include <functional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace reload::transport {

using boost::system::error_code;
using asio::use_awaitable;

namespace {

// Calls `expire` if the handshake has not finished by then: a peer that connects and says
// nothing must not hold a slot.
struct HandshakeDeadline {
  HandshakeDeadline(const asio::any_io_executor& ex, milliseconds timeout, std::function<void()> expire)
      : timer(ex, timeout), over(std::make_shared<bool>(false)) {
    // A timer that fired just as the handshake finished has its handler queued already and
    // cancel() cannot take it back; by then what `expire` closes may be moved into a link or
    // gone, so the handler looks at `over` first.
    timer.async_wait([expire = std::move(expire), over = over](error_code ec) {
      if (!ec && !*over) expire();
    });
  }
  ~HandshakeDeadline() {
    *over = true;
    timer.cancel();
  }
  asio::steady_timer timer;
  std::shared_ptr<bool> over;
};

}  // namespace

asio::awaitable<boost::system::result<std::shared_ptr<TlsLink>>> TlsLink::open(
    Stream stream, asio::ssl::stream_base::handshake_type role, crypto::CertificateCache& trust,
    std::optional<wire::NodeId> expected, LinkLimits limits) {
  error_code ec;
  {
    HandshakeDeadline deadline(stream.get_executor(), limits.handshake_timeout, [&stream] { stream.close(); });
    ec = co_await stream.handshake(role);
  }
  if (ec) co_return ec;
  auto peer = verify_peer(stream.native_handle(), trust, expected);
  if (!peer) {
    stream.close();
    co_return peer.error();
  }
  co_return std::make_shared<TlsLink>(std::move(stream), std::move(*peer), limits);
}

asio::awaitable<boost::system::result<std::shared_ptr<TlsLink>>> TlsLink::connect(
    asio::ip::tcp::endpoint to, asio::ssl::context& tls, crypto::CertificateCache& trust,
    std::optional<wire::NodeId> expected, LinkLimits limits) {
  auto ex = co_await asio::this_coro::executor;
  asio::ip::tcp::socket socket(ex);
  error_code ec;
  {
    HandshakeDeadline deadline(ex, limits.handshake_timeout, [&socket] {
      error_code ignored;
      socket.close(ignored);
    });
    co_await socket.async_connect(to, asio::redirect_error(use_awaitable, ec));
  }
  if (ec) co_return ec;
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  co_return co_await open(Stream(std::move(socket), tls), asio::ssl::stream_base::client, trust,
                          std::move(expected), limits);
}

asio::awaitable<boost::system::result<std::shared_ptr<TlsLink>>> TlsLink::accept(
    asio::ip::tcp::socket socket, asio::ssl::context& tls, crypto::CertificateCache& trust,
    LinkLimits limits) {
  error_code ec;
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  co_return co_await open(Stream(std::move(socket), tls), asio::ssl::stream_base::server, trust,
                          std::nullopt, limits);
}

TlsLink::TlsLink(Stream stream, PeerIdentity peer, LinkLimits limits)
    : stream_(std::move(stream)),
      peer_(std::move(peer)),
      limits_(limits),
      monitor_(limits.timers),
      parser_(limits.max_message_size),
      writer_wake_(stream_.get_executor(), asio::steady_timer::time_point::max()),
      ticker_(stream_.get_executor()) {}

void TlsLink::start(LinkHandler& handler) {
  handler_ = &handler;
  auto self = shared_from_this();
  auto ex = stream_.get_executor();
  asio::co_spawn(ex, [self]() { return self->read_loop(); }, asio::detached);
  asio::co_spawn(ex, [self]() { return self->write_loop(); }, asio::detached);
  asio::co_spawn(ex, [self]() { return self->timer_loop(); }, asio::detached);
}

error_code TlsLink::send(wire::Bytes message) {
  if (closed_) return asio::error::not_connected;
  if (outgoing_.size() + message.size() > limits_.max_queued_bytes) return asio::error::no_buffer_space;
  monitor_.frame_message(message, Clock::now(), outgoing_);
  wake_writer();
  return {};
}

void TlsLink::wake_writer() { writer_wake_.cancel(); }

void TlsLink::close(error_code why) {
  if (closed_) return;
  closed_ = true;
  stream_.close();
  writer_wake_.cancel();
  ticker_.cancel();
  if (handler_) {
    // Told after the current call returns, so a handler that closes a link from inside
    // on_link_message does not re-enter itself.
    asio::post(stream_.get_executor(), [self = shared_from_this(), why] {
      self->handler_->on_link_closed(*self, why);
    });
  }
}

asio::awaitable<void> TlsLink::read_loop() {
  auto self = shared_from_this();
  // One buffer for every link of the thread: what is read is copied into the link's frame
  // parser before the next suspension, so an idle link holds no read buffer.
  thread_local std::array<std::uint8_t, 16 * 1024> buf;
  while (!closed_) {
    std::size_t n = 0;
    error_code ec = co_await stream_.read_some(buf, n);
    if (ec) {
      close(ec == asio::error::eof ? error_code{} : ec);
      co_return;
    }
    parser_.put(wire::Bytes(buf.data(), n));
    for (;;) {
      auto frame = parser_.next(ec);
      if (ec) {
        close(ec);  // a broken frame stream cannot be resynchronised
        co_return;
      }
      if (!frame || closed_) break;
      std::size_t before = outgoing_.size();
      auto message = monitor_.on_frame(*frame, Clock::now(), outgoing_);
      suspect_ = false;
      // The message goes on (a forward wakes the next link's writer) before this link's
      // writer is woken for the ack: the ack is still sent at once, but off the message's
      // critical path.
      if (message && !message->empty()) handler_->on_link_message(*this, *message);
      if (outgoing_.size() != before && !closed_) wake_writer();
    }
  }
}

asio::awaitable<void> TlsLink::write_loop() {
  auto self = shared_from_this();
  wire::Buffer writing;
  while (!closed_) {
    if (outgoing_.empty()) {
      error_code ec;
      writer_wake_.expires_at(asio::steady_timer::time_point::max());
      co_await writer_wake_.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    writing.swap(outgoing_);
    outgoing_.clear();
    error_code ec = co_await stream_.write_all(writing);
    writing.clear();
    // After a burst, idle links keep no burst-sized buffer (the queue takes this one next).
    if (writing.capacity() > wire::FrameParser::kept_capacity) wire::Buffer().swap(writing);
    if (ec) {
      close(ec);
      co_return;
    }
  }
}

asio::awaitable<void> TlsLink::timer_loop() {
  auto self = shared_from_this();
  while (!closed_) {
    TimePoint next;
    std::size_t before = outgoing_.size();
    auto health = monitor_.periodic(Clock::now(), outgoing_, next);
    if (outgoing_.size() != before) wake_writer();
    if (health == LinkHealth::failed) {
      close(asio::error::timed_out);
      co_return;
    }
    if (health == LinkHealth::suspect && !suspect_) {
      suspect_ = true;
      handler_->on_link_suspect(*this);
    }
    ticker_.expires_at(next);
    error_code ec;
    co_await ticker_.async_wait(asio::redirect_error(use_awaitable, ec));
  }
}

}  // namespace reload::transport
