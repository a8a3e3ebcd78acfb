// The UDP flow ICE chose, taken out of libnice once the checks are done: its socket (a
// duplicate of the agent's descriptor, connected to the peer's address of the pair) read and
// written by the node's own loop, with no GLib main-loop iteration, agent lock or thread
// hand-over per datagram. A datagram ByteChannel, like the ICE channel it replaces; the
// peer's connectivity checks that still come are answered (IceCheckAnswerer), everything else
// that is STUN is dropped, and the rest goes to the layer above.
//
// Being connected, the socket takes datagrams from the pair's remote address only (the
// kernel filters) and reports the peer's port closing as connection_refused. After
// `keepalive_after` with nothing written, a STUN Binding indication goes out (RFC 8445
// section 11, as libnice did), so that NAT bindings outlive a quiet application.
#pragma once

#include <chrono>
#include <memory>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "transport/byte_channel.hpp"
#include "transport/ice_check_answerer.hpp"

namespace reload::transport {

class SelectedPairChannel final : public ByteChannel {
 public:
  // `socket` is open and connected to the pair's remote address.
  SelectedPairChannel(asio::ip::udp::socket socket, std::unique_ptr<IceCheckAnswerer> answerer,
                      std::chrono::milliseconds keepalive_after = std::chrono::seconds(15));
  ~SelectedPairChannel() override;

  std::size_t read_some(std::span<std::uint8_t> into, boost::system::error_code& ec) override;
  std::size_t write_some(std::span<const std::uint8_t> bytes, boost::system::error_code& ec) override;
  asio::awaitable<boost::system::error_code> wait(asio::socket_base::wait_type what) override;
  asio::awaitable<boost::system::error_code> async_read_some(std::span<std::uint8_t> into,
                                                             std::size_t& n) override;
  void close() noexcept override;
  bool is_open() const noexcept override { return socket_.is_open(); }
  bool datagrams() const noexcept override { return true; }
  asio::any_io_executor get_executor() noexcept override { return socket_.get_executor(); }

  std::size_t checks_answered() const noexcept { return checks_answered_; }
  std::size_t keepalives_sent() const noexcept { return keepalives_sent_; }

 private:
  void arm_keepalive();
  // Whether a datagram read is for the layer above; a connectivity check is answered here,
  // other STUN and empty datagrams are dropped.
  bool for_above(std::span<const std::uint8_t> datagram);

  asio::ip::udp::socket socket_;
  asio::ip::udp::endpoint remote_;
  std::chrono::milliseconds keepalive_after_;
  asio::steady_timer keepalive_;
  std::chrono::steady_clock::time_point last_write_ = std::chrono::steady_clock::now();
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // read by a timer handler run late
  std::unique_ptr<IceCheckAnswerer> answerer_;
  std::vector<std::uint8_t> answer_;
  std::size_t checks_answered_ = 0;
  std::size_t keepalives_sent_ = 0;
};

}  // namespace reload::transport
