// An overlay link over DTLS with simple reliability (RFC 6940 section 6.6.4, DTLS-UDP-SR):
// each frame of the framing header (section 6.6.2), data or ack, is one DTLS record in one
// datagram of at most 1,200 bytes, on an ICE datagram flow. The receiver acks every data
// frame (AckWindow), but of the acks that wait for the writer together it sends every eighth
// and the last: each repeats the 32 frames before it. The sender keeps each message until
// acked and sends it again with a fresh number (SrSender). A message larger than one
// datagram goes as fragments (section 6.7), which only its final destination puts together
// again.
//
// Failure: a message unacked after five transmissions closes the link (timed_out), as does
// nothing received for `idle_timeout` (an idle link sends an empty frame every `keepalive`,
// which the peer acks); three retransmissions without an ack make it suspect (out of the
// routing table) until acks resume (section 6.6.3.1). Bounds (DESIGN.md principle
// 5): SrLimits::max_queued messages wait for the window, and at most `max_pending_acks` acks
// wait for the writer (older ones are dropped: every ack repeats the 31 before it).
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/result.hpp>

#include "crypto/certificate_cache.hpp"
#include "transport/ack_window.hpp"
#include "transport/link.hpp"
#include "transport/sr_sender.hpp"
#include "transport/tls_socket.hpp"

namespace reload::transport {

// What a fragment leaves free of a datagram for the via entries the hops after this one add
// (a Node-ID entry is 18 bytes).
inline constexpr std::size_t via_headroom = 128;

struct DtlsSrLimits {
  milliseconds handshake_timeout{10000};
  milliseconds idle_timeout{30000};
  milliseconds keepalive{10000};  // an empty frame after this long without one of ours
  std::size_t max_pending_acks = 1024;
  SrLimits reliability;
};

class DtlsSrLink final : public Link, public std::enable_shared_from_this<DtlsSrLink> {
 public:
  // Handshakes over a datagram channel (the socket's channel must keep datagrams) and verifies
  // the peer, which must carry `expected` when given. `rtt` seeds the RTO; without it, half
  // the handshake's time does (it took two round trips or more over the same path: libnice
  // 0.1.21 does not say what its checks measured). `type`: DTLS-UDP-SR over an ICE flow, or
  // DTLS-UDP-SR-NO-ICE over a plain UDP flow.
  static asio::awaitable<boost::system::result<std::shared_ptr<DtlsSrLink>>> open(
      TlsSocket socket, asio::ssl::stream_base::handshake_type role, crypto::CertificateCache& trust,
      std::optional<wire::NodeId> expected, DtlsSrLimits limits, std::optional<milliseconds> rtt = std::nullopt,
      wire::OverlayLinkType type = wire::OverlayLinkType::dtls_udp_sr);

  DtlsSrLink(TlsSocket socket, PeerIdentity peer, DtlsSrLimits limits, std::optional<milliseconds> rtt,
             wire::OverlayLinkType type = wire::OverlayLinkType::dtls_udp_sr);

  void start(LinkHandler& handler) override;
  boost::system::error_code send(wire::Bytes message) override;
  void close(boost::system::error_code why = {}) override;
  const PeerIdentity& peer() const noexcept override { return peer_; }
  bool is_open() const noexcept override { return !closed_; }
  wire::OverlayLinkType type() const noexcept override { return type_; }

  // The largest message one datagram carries (a DTLS record less the data frame's header).
  std::size_t max_message() const noexcept;
  const SrSender& sender() const noexcept { return sender_; }

 private:
  asio::awaitable<void> read_loop();
  asio::awaitable<void> write_loop();
  void on_datagram(wire::Bytes datagram);

  TlsSocket socket_;
  PeerIdentity peer_;
  DtlsSrLimits limits_;
  LinkHandler* handler_ = nullptr;
  SrSender sender_;
  AckWindow acks_;
  std::deque<wire::Buffer> acks_out_;
  asio::steady_timer wake_;
  SrClock::time_point last_received_;
  SrClock::time_point last_queued_;
  bool queued_ = false;  // send() queued something since the writer last looked
  bool closed_ = false;
  bool suspect_ = false;
  wire::OverlayLinkType type_;
};

}  // namespace reload::transport
