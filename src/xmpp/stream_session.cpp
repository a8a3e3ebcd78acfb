#include "xmpp/stream_session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace reload::xmpp {

using boost::system::error_code;
using asio::use_awaitable;

StreamSession::StreamSession(Stream stream, StreamPeer peer, PeerStreamSettings settings,
                             std::chrono::milliseconds shutdown_timeout)
    : stream_(std::move(stream)),
      peer_(std::move(peer)),
      stream_state_(std::move(settings), StreamClock::now()),
      shutdown_timeout_(shutdown_timeout),
      writer_wake_(stream_.get_executor(), asio::steady_timer::time_point::max()),
      ticker_(stream_.get_executor()) {}

void StreamSession::start(StreamHandler& handler) {
  if (started_) return;
  started_ = true;
  handler_ = &handler;
  auto self = shared_from_this();
  auto ex = stream_.get_executor();
  asio::co_spawn(ex, [self] { return self->read_loop(); }, asio::detached);
  asio::co_spawn(ex, [self] { return self->write_loop(); }, asio::detached);
  asio::co_spawn(ex, [self] { return self->timer_loop(); }, asio::detached);
}

error_code StreamSession::send(const Element& stanza) {
  auto ec = stream_state_.send_stanza(stanza, StreamClock::now());
  // Sending only moves the keepalive deadline later and reports nothing: no after_change().
  if (!ec) write_now();
  return ec;
}

void StreamSession::write_now() {
  // Only while the writer sleeps with nothing of its own: a write it began must end first.
  if (!writer_idle_ || !writing_.empty()) return wake_writer();
  const std::string_view pending = stream_state_.pending_output();
  error_code ec;
  const std::size_t n = stream_.write_now(
      std::span(reinterpret_cast<const std::uint8_t*>(pending.data()), pending.size()), ec);
  if (!ec) return stream_state_.consume_output(n);
  // The writer takes these very bytes: after would_block, OpenSSL's retry needs them again;
  // after a failure, its write_all() meets the failure and ends the stream.
  writing_.assign(pending);
  stream_state_.consume_output(pending.size());
  wake_writer();
}

void StreamSession::close() {
  stream_state_.close(StreamClock::now());
  after_change();
}

void StreamSession::close_with_error(stream_errc condition, std::string detail) {
  stream_state_.close_with_error(condition, StreamClock::now(), std::move(detail));
  after_change();
}

std::string StreamSession::negotiated_alpn() const {
  return xmpp::negotiated_alpn(stream_.native_handle());
}

void StreamSession::after_change() {
  // The handler may drop its last reference to us from inside a callback.
  auto self = shared_from_this();
  // A handler that sends or closes from inside a callback must not re-enter delivery: the
  // outer loop picks up what that call reported, in order.
  if (!delivering_) {
    delivering_ = true;
    while (stream_state_.has_events())
      for (auto& event : stream_state_.take_events()) deliver(event);
    delivering_ = false;
  }
  if (!stream_state_.pending_output().empty() ||
      stream_state_.state() == PeerStream::State::closed)
    wake_writer();
  // Deadlines only move later when something is sent; they move earlier on close and on
  // opening, and the ticker then has to wake up sooner than it planned.
  const StreamTime next = stream_state_.next_deadline().value_or(StreamTime::max());
  if (next < ticker_armed_for_ || stream_state_.state() == PeerStream::State::closed)
    ticker_.cancel();
}

void StreamSession::deliver(StreamEvent& event) {
  if (!handler_) return;  // not started, or already told that the stream closed
  if (std::holds_alternative<stream_event::Opened>(event)) {
    handler_->on_stream_open(*this);
  } else if (auto* stanza = std::get_if<stream_event::Stanza>(&event)) {
    handler_->on_stanza(*this, std::move(stanza->stanza));
  } else if (auto* closed = std::get_if<stream_event::Closed>(&event)) {
    StreamHandler* handler = std::exchange(handler_, nullptr);
    handler->on_stream_closed(*this, *closed);
  }
}

asio::awaitable<void> StreamSession::read_loop() {
  auto self = shared_from_this();
  while (stream_state_.state() != PeerStream::State::closed) {
    std::size_t n = 0;
    const error_code ec = co_await stream_.read_some(read_buffer_, n);
    if (n > 0) {
      stream_state_.put(std::string_view(reinterpret_cast<const char*>(read_buffer_.data()), n), StreamClock::now());
      after_change();
    }
    if (ec) {
      // close_notify, EOF, a reset, or our own cancel once the stream had ended.
      stream_state_.on_transport_closed(StreamClock::now());
      after_change();
      break;
    }
  }
  wake_writer();
}

asio::awaitable<void> StreamSession::write_loop() {
  auto self = shared_from_this();
  for (;;) {
    const std::string_view pending = stream_state_.pending_output();
    if (writing_.empty() && !pending.empty()) {
      // A copy: PeerStream appends to its buffer (and may move it) while TLS still reads
      // from ours.
      writing_.assign(pending);
      stream_state_.consume_output(pending.size());
    }
    if (!writing_.empty()) {
      const error_code ec = co_await stream_.write_all(
          std::span(reinterpret_cast<const std::uint8_t*>(writing_.data()), writing_.size()));
      writing_.clear();
      if (ec) {
        stream_state_.on_transport_closed(StreamClock::now());
        after_change();
        break;
      }
      continue;
    }
    if (stream_state_.state() == PeerStream::State::closed) break;
    writer_wake_.expires_at(asio::steady_timer::time_point::max());
    error_code ec;
    writer_idle_ = true;
    co_await writer_wake_.async_wait(asio::redirect_error(use_awaitable, ec));
    writer_idle_ = false;
  }
  co_await shut_down_transport();
}

asio::awaitable<void> StreamSession::shut_down_transport() {
  // Our close_notify, bounded by shutdown_timeout (a peer that reads nothing cannot hold us);
  // the peer's is not waited for. TlsSocket lets it go out beside a read that is waiting,
  // which closing the connection then ends.
  {
    asio::steady_timer deadline(stream_.get_executor(), shutdown_timeout_);
    deadline.async_wait([self = shared_from_this()](error_code timer_ec) {
      if (!timer_ec) self->stream_.close();
    });
    co_await stream_.send_close_notify();
    deadline.cancel();
  }
  stream_.close();
  ticker_.cancel();
  transport_closed_ = true;
}

asio::awaitable<void> StreamSession::timer_loop() {
  auto self = shared_from_this();
  while (stream_state_.state() != PeerStream::State::closed) {
    ticker_armed_for_ = stream_state_.next_deadline().value_or(StreamTime::max());
    ticker_.expires_at(ticker_armed_for_);
    error_code ec;
    co_await ticker_.async_wait(asio::redirect_error(use_awaitable, ec));
    // Woken early (a deadline moved) or on time: PeerStream acts only on what is due.
    stream_state_.on_timer(StreamClock::now());
    after_change();
  }
  ticker_armed_for_ = StreamTime::max();
}

}  // namespace reload::xmpp
