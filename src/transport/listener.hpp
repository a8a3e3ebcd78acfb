// Accepts overlay links: every TCP connection is handshaken and its peer verified on its
// own coroutine, so one slow or hostile client never holds up the others.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>

#include <boost/asio/ip/tcp.hpp>

#include "transport/admission_stage.hpp"
#include "transport/tls_link.hpp"

namespace reload::transport {

// What an unauthenticated client makes a listener spend is bounded in two stages
// (AdmissionStage). A connection that has sent nothing yet costs a descriptor: at most
// `silent_in_all` wait, each at most `first_byte` for its first byte. Once its ClientHello
// is there, the handshake costs a private-key operation on the node's only thread: at most
// `in_all` run. A full stage lets a newcomer in by shutting its oldest connection down when
// that one has waited longer than the stage's `stale` time (an honest client passes a stage
// in a round trip or two), so that many hosts holding idle connections cannot keep others
// out. One address holds at most `per_address` connections in either stage. A connection
// past a bound is closed before TLS and counted.
struct HandshakeLimits {
  std::size_t per_address = 8;
  std::size_t silent_in_all = 512;
  std::chrono::milliseconds first_byte{5000};
  // An honest client's ClientHello follows the TCP handshake's last packet: a connection
  // silent for this long is idle, not slow.
  std::chrono::milliseconds silent_stale{250};
  std::size_t in_all = 64;
  std::chrono::milliseconds handshake_stale{2000};
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Called on the executor with each verified link (not started yet), or with the error that
  // ended one attempt (for logging; the listener goes on).
  using OnLink = std::function<void(boost::system::result<std::shared_ptr<TlsLink>>)>;

  Listener(asio::any_io_executor ex, asio::ssl::context& tls, crypto::CertificateCache& trust,
           LinkLimits limits, HandshakeLimits handshakes = {});
  // Binds and listens (port 0 picks a free one).
  boost::system::error_code listen(const asio::ip::tcp::endpoint& at);
  void start(OnLink on_link);
  // Stops accepting and releases the handler; handshakes under way end without it.
  void stop();
  asio::ip::tcp::endpoint local_endpoint() const;
  std::size_t handshakes() const noexcept { return handshaking_.size(); }
  std::size_t silent() const noexcept { return silent_.size(); }
  std::uint64_t refused() const noexcept { return refused_; }  // connections closed at a bound
  std::uint64_t evicted() const noexcept { return silent_.evictions() + handshaking_.evictions(); }

 private:
  asio::awaitable<void> serve(asio::ip::tcp::socket socket);
  // Waits for the first byte within the deadline; false when none came.
  asio::awaitable<bool> first_byte(asio::ip::tcp::socket& socket);
  asio::ip::tcp::acceptor acceptor_;
  asio::ssl::context& tls_;
  crypto::CertificateCache& trust_;
  LinkLimits limits_;
  HandshakeLimits handshake_limits_;
  OnLink on_link_;
  AdmissionStage silent_;
  AdmissionStage handshaking_;
  std::map<asio::ip::address, std::size_t> connections_from_;  // in either stage
  std::uint64_t refused_ = 0;
};

}  // namespace reload::transport
