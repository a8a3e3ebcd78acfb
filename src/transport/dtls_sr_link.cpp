#include "transport/dtls_sr_link.hpp"

#include <algorithm>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "transport/authenticated_handshake.hpp"
#include "wire/codec.hpp"
#include "wire/fragmentation.hpp"

namespace reload::transport {

using boost::system::error_code;

namespace {
constexpr std::size_t data_frame_header = 1 + 4 + 3;  // type, sequence, message<0..2^24-1>
// Of the acks waiting together for the writer, every this many is sent (and the last).
constexpr std::size_t ack_stride = 8;
}  // namespace

asio::awaitable<boost::system::result<std::shared_ptr<DtlsSrLink>>> DtlsSrLink::open(
    TlsSocket socket, asio::ssl::stream_base::handshake_type role, crypto::CertificateCache& trust,
    std::optional<wire::NodeId> expected, DtlsSrLimits limits, std::optional<milliseconds> rtt,
    wire::OverlayLinkType type) {
  if (!socket.channel().datagrams()) co_return make_error_code(boost::system::errc::wrong_protocol_type);
  const auto began = SrClock::now();
  auto peer = co_await authenticated_handshake(socket, role, trust, expected, limits.handshake_timeout);
  if (!peer) co_return peer.error();
  if (!rtt) rtt = std::chrono::duration_cast<milliseconds>(SrClock::now() - began) / 2;
  co_return std::make_shared<DtlsSrLink>(std::move(socket), std::move(*peer), limits, rtt, type);
}

DtlsSrLink::DtlsSrLink(TlsSocket socket, PeerIdentity peer, DtlsSrLimits limits, std::optional<milliseconds> rtt,
                       wire::OverlayLinkType type)
    : socket_(std::move(socket)),
      peer_(std::move(peer)),
      limits_(limits),
      sender_(limits.reliability, rtt),
      wake_(socket_.get_executor(), SrClock::time_point::max()),
      last_received_(SrClock::now()),
      type_(type) {}

std::size_t DtlsSrLink::max_message() const noexcept {
  const std::size_t room = socket_.max_record_payload();
  return room > data_frame_header ? room - data_frame_header : 0;
}

void DtlsSrLink::start(LinkHandler& handler) {
  handler_ = &handler;
  last_received_ = last_queued_ = SrClock::now();
  asio::co_spawn(socket_.get_executor(), [self = shared_from_this()] { return self->read_loop(); }, asio::detached);
  asio::co_spawn(socket_.get_executor(), [self = shared_from_this()] { return self->write_loop(); }, asio::detached);
}

error_code DtlsSrLink::send(wire::Bytes message) {
  if (closed_) return asio::error::not_connected;
  queued_ = true;  // the writer notes the time: no clock read per message on the forward path
  if (message.size() <= max_message()) {
    if (!sender_.enqueue(wire::to_buffer(message))) return asio::error::no_buffer_space;
  } else {
    // Section 6.7: fragments, with room left for the via entries later hops add, so that
    // they seldom need splitting again.
    const std::size_t size = max_message() > 2 * via_headroom ? max_message() - via_headroom : max_message();
    auto pieces = wire::fragment_message(message, size);
    if (!pieces) return asio::error::message_size;
    if (sender_.queued() + pieces->size() > limits_.reliability.max_queued) return asio::error::no_buffer_space;
    for (auto& p : *pieces) sender_.enqueue(std::move(p));  // room checked: all or none
  }
  wake_.cancel();
  return {};
}

void DtlsSrLink::close(error_code why) {
  if (closed_) return;
  closed_ = true;
  // A close_notify, so that the peer closes its end now rather than when its idle timeout
  // runs out (a TCP link's peer sees the FIN): a node that left, or restarted under the same
  // Node-ID, is dropped at once. One datagram, sent now or never; unreliable like the rest.
  if (!why || why == asio::error::operation_aborted)
    if (auto* ssl = socket_.native_handle()) {
      SSL_shutdown(ssl);
      ERR_clear_error();  // a datagram the channel could not take: nothing to do about it
    }
  socket_.close();
  wake_.cancel();
  if (handler_) handler_->on_link_closed(*this, why);
}

void DtlsSrLink::on_datagram(wire::Bytes datagram) {
  last_received_ = SrClock::now();
  auto frame = wire::decode_exact<wire::FramedMessage>(datagram, wire::CodecContext{});
  if (!frame) {
    // Authenticated by DTLS, so the peer itself sent it: a peer that breaks the framing
    // loses its link, as over TLS.
    close(frame.error());
    return;
  }
  if (const auto* ack = std::get_if<wire::FramedAck>(&*frame)) {
    sender_.on_ack(*ack, last_received_);
    wake_.cancel();  // the window may have room, the link may have resumed
    return;
  }
  const auto& data = std::get<wire::FramedData>(*frame);
  if (acks_out_.size() >= limits_.max_pending_acks) acks_out_.pop_front();
  acks_out_.push_back(wire::encode_to_buffer(wire::FramedMessage{acks_.on_data(data.sequence)}).value());
  wake_.cancel();
  if (!data.message.empty()) handler_->on_link_message(*this, data.message);
}

asio::awaitable<void> DtlsSrLink::read_loop() {
  auto self = shared_from_this();
  while (!closed_) {
    const error_code ec = co_await socket_.read_some([this](std::span<const std::uint8_t> d) {
      if (!closed_) on_datagram(d);
    });
    if (ec) {
      close(ec);
      co_return;
    }
  }
}

asio::awaitable<void> DtlsSrLink::write_loop() {
  auto self = shared_from_this();
  while (!closed_) {
    const auto now = SrClock::now();
    std::vector<wire::Buffer> out;
    // Acks of frames that came in one burst: each names its frame and the 32 before it, so
    // every eighth and the last tell the sender all of them, in an eighth of the datagrams.
    for (std::size_t i = 0, n = acks_out_.size(); i < n; ++i)
      if ((n - 1 - i) % ack_stride == 0) out.push_back(std::move(acks_out_[i]));
    acks_out_.clear();
    sender_.poll(now, out);
    if (std::exchange(queued_, false)) last_queued_ = now;
    if (now - last_queued_ >= limits_.keepalive) {
      // An empty data frame: acked like any other, so both ends hear from each other.
      sender_.enqueue({});
      last_queued_ = now;
      sender_.poll(now, out);
    }
    if (sender_.failed() || now - last_received_ >= limits_.idle_timeout) {
      close(asio::error::timed_out);
      co_return;
    }
    if (sender_.quiet() != suspect_) {
      suspect_ = !suspect_;
      suspect_ ? handler_->on_link_suspect(*this) : handler_->on_link_resumed(*this);
      if (closed_) co_return;
    }
    for (const auto& datagram : out) {
      if (const error_code ec = co_await socket_.write_all(datagram)) {
        close(ec);
        co_return;
      }
      if (closed_) co_return;
    }
    if (!acks_out_.empty()) continue;  // more arrived while writing
    auto next = std::min(last_received_ + limits_.idle_timeout, last_queued_ + limits_.keepalive);
    if (auto t = sender_.next_timeout()) next = std::min(next, *t);
    wake_.expires_at(next);
    error_code ignored;
    co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

}  // namespace reload::transport
