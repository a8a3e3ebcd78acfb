// Accepts DTLS-UDP-SR-NO-ICE overlay links (RFC 6940 section 6.6.4) on one UDP port: each
// flow the UdpDemux hands over is handshaken as the DTLS server and its peer verified on a
// coroutine of its own, as Listener does for TLS over TCP.
//
// A datagram's source costs nothing to forge, so the server answers a first ClientHello
// with a HelloVerifyRequest (RFC 6347 section 4.2.1): a few dozen bytes, no private-key
// operation and no certificate flight until the client has shown that it receives at its
// address. Bounds (DESIGN.md principle 5), HandshakeLimits as Listener's: at most
// `per_address` handshakes from one IP address (a link, once up, no longer counts: many
// peers behind one NAT link to a bootstrap node), at most `in_all` at once, where a full
// stage lets a newcomer in by aborting its oldest handshake when that one is older than
// `handshake_stale`; and the demux's bound on flows in all.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/system/result.hpp>

#include "transport/admission_stage.hpp"
#include "transport/dtls_sr_link.hpp"
#include "transport/listener.hpp"
#include "transport/udp_demux.hpp"

namespace reload::transport {

class DtlsListener : public std::enable_shared_from_this<DtlsListener> {
 public:
  // Called on the executor with each verified link (not started yet), or with the error that
  // ended one attempt (for logging; the listener goes on).
  using OnLink = std::function<void(boost::system::result<std::shared_ptr<DtlsSrLink>>)>;

  // `dtls` is a TlsFlavor::dtls context (make_tls_context), which sets the cookie callbacks.
  DtlsListener(asio::any_io_executor ex, asio::ssl::context& dtls, crypto::CertificateCache& trust,
               DtlsSrLimits limits, HandshakeLimits handshakes = {}, UdpDemuxLimits flows = {});
  boost::system::error_code listen(const asio::ip::udp::endpoint& at);
  void start(OnLink on_link);
  void stop();
  asio::ip::udp::endpoint local_endpoint() const { return demux_->local_endpoint(); }
  std::size_t handshakes() const noexcept { return handshaking_.size(); }
  std::uint64_t refused() const noexcept { return refused_ + demux_->dropped(); }
  std::uint64_t evicted() const noexcept { return handshaking_.evictions(); }

 private:
  asio::awaitable<void> serve(std::unique_ptr<ByteChannel> flow, std::uint64_t id, asio::ip::address from);

  std::shared_ptr<UdpDemux> demux_;
  asio::ssl::context& dtls_;
  crypto::CertificateCache& trust_;
  DtlsSrLimits limits_;
  HandshakeLimits handshake_limits_;
  std::map<asio::ip::address, std::size_t> handshaking_from_;
  AdmissionStage handshaking_;
  OnLink on_link_;
  std::uint64_t refused_ = 0;
};

}  // namespace reload::transport
