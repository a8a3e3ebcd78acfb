// The STUN side of an ICE flow that the node took out of libnice after the checks (see
// SelectedPairChannel): the peer's agent may still send connectivity checks on the chosen
// pair (its triggered check on the nominated pair, which it needs answered to reach its own
// "ready"), and they must be answered as libnice would have. Sans-I/O: a datagram in, the
// answer out. The STUN coding and the message integrity are libnice's own STUN library.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/ip/udp.hpp>

namespace reload::transport {

// What the datagram was to the flow.
enum class StunVerdict {
  not_stun,  // data for the layer above
  dropped,   // STUN that needs no answer (an indication, a stray response) or that fails
             // its integrity check
  answered,  // a valid Binding request: `answer` holds the Binding success response
};

class IceCheckAnswerer {
 public:
  // Our credentials and the peer's username fragment, as in the offers; `controlling` is the
  // role this side had.
  IceCheckAnswerer(std::string local_ufrag, std::string local_password, const std::string& remote_ufrag,
                   bool controlling, std::uint64_t tie_breaker);
  ~IceCheckAnswerer();
  IceCheckAnswerer(const IceCheckAnswerer&) = delete;
  IceCheckAnswerer& operator=(const IceCheckAnswerer&) = delete;

  // A cheap test first (the STUN magic cookie where STUN has it), so that the data path
  // pays one comparison per datagram.
  static bool looks_like_stun(std::span<const std::uint8_t> datagram) noexcept;

  StunVerdict handle(std::span<const std::uint8_t> datagram, const boost::asio::ip::udp::endpoint& from,
                     std::vector<std::uint8_t>& answer);

  // A Binding indication: the keepalive RFC 8445 section 11 asks for on a pair that carried
  // nothing for a while (libnice sent it while it had the flow), which keeps NAT bindings
  // open under an application that is quiet. The peer drops it.
  std::vector<std::uint8_t> keepalive();

 private:
  struct Stun;
  std::unique_ptr<Stun> stun_;
};

}  // namespace reload::transport
