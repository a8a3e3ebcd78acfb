// An overlay link: TLS over TCP with the framing header (RFC 6940 section 6.6.5,
// TLS-TCP-FH-NO-ICE). Mutual TLS; the peer is verified against the overlay's trust policy
// before anything is read; every frame is acked; keepalives and an idle timeout find dead
// peers. What a peer can make a link hold is bounded (LinkLimits): the unsent bytes, the
// frame being reassembled, and the time a write may wait for the peer to read.
//
// A link lives on the node's executor: its handler is called there, and send()/close() must
// be called there too (DESIGN.md principle 2).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/result.hpp>

#include "crypto/certificate_cache.hpp"
#include "transport/link.hpp"
#include "transport/link_monitor.hpp"
#include "transport/peer_verification.hpp"
#include "transport/tls_socket.hpp"
#include "wire/framing.hpp"

namespace reload::transport {

namespace asio = boost::asio;

struct LinkLimits {
  std::size_t max_message_size = 5000;            // max-message-size
  // Every byte the link has not yet handed to TLS: framed messages, acks, keepalives, and
  // what the writer is writing. Past it the link closes (no_buffer_space).
  std::size_t max_queued_bytes = 4 * 1024 * 1024;
  // The part of max_queued_bytes that send() leaves to acks and keepalives, so that our own
  // messages never crowd out the acks of a peer that reads.
  std::size_t ack_reserve = 64 * 1024;
  milliseconds handshake_timeout{10000};
  // A write (at most one TLS record) that has not finished by then closes the link
  // (timed_out): a peer that stops reading loses it.
  milliseconds write_timeout{10000};
  LinkTimers timers;
};

class TlsLink final : public Link, public std::enable_shared_from_this<TlsLink> {
 public:
  using Stream = TlsSocket;

  // Dials, handshakes and verifies the peer (which must carry `expected` when given).
  static asio::awaitable<boost::system::result<std::shared_ptr<TlsLink>>> connect(
      asio::ip::tcp::endpoint to, asio::ssl::context& tls, crypto::CertificateCache& trust,
      std::optional<wire::NodeId> expected, LinkLimits limits);
  // Handshakes and verifies a peer that connected to us.
  static asio::awaitable<boost::system::result<std::shared_ptr<TlsLink>>> accept(
      asio::ip::tcp::socket socket, asio::ssl::context& tls, crypto::CertificateCache& trust,
      LinkLimits limits);
  // Handshakes and verifies over a stream on any channel (connect and accept use TCP; the
  // tests use a TestPipe).
  static asio::awaitable<boost::system::result<std::shared_ptr<TlsLink>>> open(
      Stream stream, asio::ssl::stream_base::handshake_type role, crypto::CertificateCache& trust,
      std::optional<wire::NodeId> expected, LinkLimits limits);

  TlsLink(Stream stream, PeerIdentity peer, LinkLimits limits);

  // Starts reading, writing and the keepalive timer; `handler` must outlive the link.
  void start(LinkHandler& handler) override;
  // Frames and queues `message`. Fails (and sends nothing) when the link is closed, or
  // with no_buffer_space when the frame would take the unsent bytes past
  // max_queued_bytes - ack_reserve; the link stays open.
  boost::system::error_code send(wire::Bytes message) override;
  void close(boost::system::error_code why = {}) override;

  const PeerIdentity& peer() const noexcept override { return peer_; }
  bool is_open() const noexcept override { return !closed_; }
  wire::OverlayLinkType type() const noexcept override { return wire::OverlayLinkType::tls_tcp_fh_no_ice; }
  const LinkMonitor& monitor() const noexcept { return monitor_; }
  // The bytes not yet handed to TLS (what max_queued_bytes bounds).
  std::size_t queued_bytes() const noexcept { return outgoing_.size() + writing_left_; }

 private:
  asio::awaitable<void> read_loop();
  asio::awaitable<void> write_loop();
  asio::awaitable<void> timer_loop();
  asio::awaitable<boost::system::error_code> write_before_deadline(wire::Bytes bytes);
  bool deliver_frames();
  bool fits(std::size_t bytes) const noexcept { return queued_bytes() + bytes <= limits_.max_queued_bytes; }
  void wake_writer();

  Stream stream_;
  PeerIdentity peer_;
  LinkLimits limits_;
  LinkHandler* handler_ = nullptr;
  LinkMonitor monitor_;
  wire::FrameParser parser_;
  wire::Buffer outgoing_;
  std::size_t writing_left_ = 0;  // of the batch the writer took from outgoing_
  TimePoint write_started_ = TimePoint::max();  // of the write in progress
  asio::steady_timer writer_wake_;
  asio::steady_timer ticker_;
  bool closed_ = false;
  bool suspect_ = false;
};

}  // namespace reload::transport
