#include "transport/tls_link.hpp"

#include <algorithm>
#include <functional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "transport/authenticated_handshake.hpp"
#include "transport/handshake_deadline.hpp"
#include "wire/writer.hpp"

namespace reload::transport {

using boost::system::error_code;
using asio::use_awaitable;

namespace {

std::size_t encoded_size(const wire::FramedMessage& frame) {
  wire::Buffer bytes;
  wire::Writer w(bytes);
  encode(w, frame);
  return bytes.size();
}
// What the send bound counts for a frame besides its message, and for an ack.
const std::size_t data_frame_overhead = encoded_size(wire::FramedData{});
const std::size_t ack_frame_size = encoded_size(wire::FramedAck{});

// The writer hands TLS at most one record at a time, so that each write's deadline measures
// whether the peer reads at all, not how fast it drains a long queue.
constexpr std::size_t write_slice = 16 * 1024;

}  // namespace

asio::awaitable<boost::system::result<std::shared_ptr<TlsLink>>> TlsLink::open(
    Stream stream, asio::ssl::stream_base::handshake_type role, crypto::CertificateCache& trust,
    std::optional<wire::NodeId> expected, LinkLimits limits) {
  auto peer = co_await authenticated_handshake(stream, role, trust, expected, limits.handshake_timeout);
  if (!peer) co_return peer.error();
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
  const std::size_t room = limits_.max_queued_bytes - std::min(limits_.max_queued_bytes, limits_.ack_reserve);
  if (queued_bytes() + data_frame_overhead + message.size() > room) return asio::error::no_buffer_space;
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
  wire::Buffer().swap(outgoing_);  // the handler may keep a closed link for a while
  writing_left_ = 0;
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
  const TlsSocket::Sink take = [this](wire::Bytes bytes) { parser_.put(bytes); };
  while (!closed_) {
    error_code ec = co_await stream_.read_some(take);
    if (ec) {
      close(ec == asio::error::eof ? error_code{} : ec);
      co_return;
    }
    if (!deliver_frames()) co_return;
  }
}

// Takes every whole frame out of the parser; false when the link closed.
bool TlsLink::deliver_frames() {
  for (;;) {
    error_code ec;
    auto frame = parser_.next(ec);
    if (ec) {
      close(ec);  // a broken frame stream cannot be resynchronised
      return false;
    }
    if (closed_) return false;
    if (!frame) return true;
    // A peer that keeps sending while it reads nothing would grow our acks without end.
    if (std::holds_alternative<wire::FramedData>(*frame) && !fits(ack_frame_size)) {
      close(asio::error::no_buffer_space);
      return false;
    }
    std::size_t before = outgoing_.size();
    const TimePoint now = Clock::now();
    auto message = monitor_.on_frame(*frame, now, outgoing_);
    if (suspect_ && !monitor_.overdue(now)) {
      suspect_ = false;
      handler_->on_link_resumed(*this);
    }
    // The message goes on (a forward wakes the next link's writer) before this link's
    // writer is woken for the ack: the ack is still sent at once, but off the message's
    // critical path.
    if (message && !message->empty()) handler_->on_link_message(*this, *message);
    if (outgoing_.size() != before && !closed_) wake_writer();
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
    error_code ec = co_await write_before_deadline(writing);
    writing.clear();
    // After a burst, idle links keep no burst-sized buffer (the queue takes this one next).
    if (writing.capacity() > wire::FrameParser::kept_capacity) wire::Buffer().swap(writing);
    if (ec) {
      close(ec);
      co_return;
    }
  }
}

// Writes `bytes` a record at a time, each under the write deadline that timer_loop keeps.
asio::awaitable<error_code> TlsLink::write_before_deadline(wire::Bytes bytes) {
  writing_left_ = bytes.size();
  while (!bytes.empty() && !closed_) {
    const auto slice = bytes.first(std::min(bytes.size(), write_slice));
    write_started_ = Clock::now();
    if (ticker_.expiry() > write_started_ + limits_.write_timeout) ticker_.cancel();  // look sooner
    error_code ec = co_await stream_.write_all(slice);
    write_started_ = TimePoint::max();
    if (ec) co_return ec;
    bytes = bytes.subspan(slice.size());
    if (!closed_) writing_left_ = bytes.size();
  }
  co_return error_code{};
}

asio::awaitable<void> TlsLink::timer_loop() {
  auto self = shared_from_this();
  while (!closed_) {
    const TimePoint now = Clock::now();
    if (write_started_ != TimePoint::max() && now - write_started_ >= limits_.write_timeout) {
      close(asio::error::timed_out);
      co_return;
    }
    TimePoint next;
    wire::Buffer keepalive;
    auto health = monitor_.periodic(now, keepalive, next);
    if (!keepalive.empty()) {
      if (!fits(keepalive.size())) {
        close(asio::error::no_buffer_space);
        co_return;
      }
      outgoing_.insert(outgoing_.end(), keepalive.begin(), keepalive.end());
      wake_writer();
    }
    if (health == LinkHealth::failed) {
      close(asio::error::timed_out);
      co_return;
    }
    if (health == LinkHealth::suspect && !suspect_) {
      suspect_ = true;
      handler_->on_link_suspect(*this);
    }
    if (write_started_ != TimePoint::max()) next = std::min(next, write_started_ + limits_.write_timeout);
    ticker_.expires_at(next);
    error_code ec;
    co_await ticker_.async_wait(asio::redirect_error(use_awaitable, ec));
  }
}

}  // namespace reload::transport
