// One ICE session (a libnice agent with one stream of one component) on a GlibLoop: gathers
// candidates, takes the peer's, runs the checks and carries datagrams (a non-reliable agent,
// for DTLS-UDP-SR overlay links) or a byte stream (a reliable agent: pseudo-TCP, or ICE-TCP;
// for AppAttach).
//
// Every call belongs on the loop's executor, and every handler runs there, posted: never
// inside the call that caused it (libnice emits some signals from inside
// nice_agent_gather_candidates and nice_agent_set_remote_candidates). The agent's properties
// that libnice 0.1.21 defaults badly are always set (ICE-NOTES.md): upnp off, the
// controlling role, ICE-UDP and ICE-TCP, bytestream-tcp and the STUN pacing timer.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/system/error_code.hpp>

#include "transport/ice_candidates.hpp"

using NiceAgent = struct _NiceAgent;
using GMainContext = struct _GMainContext;

namespace reload::transport {

class GlibLoop;

struct IceServer {
  boost::asio::ip::udp::endpoint endpoint;
  std::string username;  // TURN only
  std::string password;  // TURN only
};

struct IceAgentOptions {
  bool reliable = false;     // a byte stream (AppAttach) instead of datagrams (DTLS-UDP-SR)
  bool controlling = false;  // the Attach or AppAttach requester controls (section 6.5.1.9)
  bool ice_udp = true;
  bool ice_tcp = false;
  std::chrono::milliseconds stun_pacing{20};  // RFC 8445's Ta
  // Gather host candidates on these addresses only (libnice leaves out loopback unless it
  // is named). Empty: every interface libnice finds.
  std::vector<boost::asio::ip::address> local_addresses;
  std::optional<IceServer> stun;
  std::optional<IceServer> turn;  // TURN over UDP
  // What the candidates advertise as their overlay link type.
  wire::OverlayLinkType overlay_link = wire::OverlayLinkType::dtls_udp_sr;
};

struct IceCredentials {
  std::string ufrag;     // at least 4 ice-chars (RFC 8445 section 5.3)
  std::string password;  // at least 22 ice-chars
};

enum class IceState { gathering, connecting, connected, ready, failed };

// Which pair the checks chose: the NAT type a peer reports for each AppAttach, and what a
// benchmark prints.
struct IceSelectedPair {
  wire::CandType local = wire::CandType::host;
  wire::CandType remote = wire::CandType::host;
  bool tcp = false;
};

// The chosen UDP flow taken out of the agent: a duplicate of the local socket's descriptor
// (the caller owns it) and the remote address of the pair.
struct TakenIceFlow {
  int descriptor = -1;
  boost::asio::ip::udp::endpoint remote;
};

class IceAgent : public std::enable_shared_from_this<IceAgent> {
 public:
  using GatheredHandler = std::function<void(boost::system::error_code, IceCandidateList)>;
  using StateHandler = std::function<void(IceState)>;
  // Takes the received bytes (the one copy out of libnice's buffer): a channel moves them on
  // to its own executor without copying again.
  using ReceiveHandler = std::function<void(std::vector<std::uint8_t>)>;

  // On the loop's executor. `local` are this side's credentials (from the CSPRNG: they
  // authenticate the checks). Fails (nullptr, `ec` set) when libnice refuses the stream.
  static std::shared_ptr<IceAgent> create(GlibLoop& loop, const IceAgentOptions& options,
                                          const IceCredentials& local, boost::system::error_code& ec);
  ~IceAgent();
  IceAgent(const IceAgent&) = delete;
  IceAgent& operator=(const IceAgent&) = delete;

  // Gathers this side's candidates; `done` runs once with all of them (or an error when
  // there are none).
  void gather(GatheredHandler done);

  // The peer's credentials and candidates; the checks start. Candidates ICE cannot use are
  // skipped; false when none is left.
  bool set_remote(const IceCredentials& remote, const std::vector<wire::IceCandidate>& candidates);

  void on_state(StateHandler h) { state_handler_ = std::move(h); }
  // Datagrams as they come (non-reliable), or the next bytes of the stream (reliable).
  void on_receive(ReceiveHandler h) { receive_handler_ = std::move(h); }
  // A reliable agent's send side has room again after a short send.
  void on_writable(std::function<void()> h) { writable_handler_ = std::move(h); }

  // Sends one datagram (non-reliable: all or nothing) or as many bytes of the stream as fit
  // (reliable). Returns the count, 0 with `ec` would_block when a reliable agent is full,
  // or `ec` not_connected before the pair is chosen.
  std::size_t send(std::span<const std::uint8_t> bytes, boost::system::error_code& ec);

  // A reliable agent stops handing the stream to the receive handler until
  // resume_receiving(); pseudo-TCP keeps what arrives and closes its receive window, so the
  // peer's sender waits (flow control for a reader that fell behind).
  void pause_receiving();
  void resume_receiving();

  // A non-reliable agent's selected pair as a socket of its own (TakenIceFlow), for a flow
  // that a host or server-reflexive UDP pair carries; nothing for a relayed or TCP pair, or
  // before a pair is selected. The agent keeps running until close(): close it at once, or
  // both read the socket.
  std::optional<TakenIceFlow> take_selected_flow();

  IceState state() const noexcept { return state_; }
  std::optional<IceSelectedPair> selected_pair() const noexcept { return selected_; }
  bool reliable() const noexcept { return reliable_; }

  // Detaches every callback and closes the agent (TURN allocations are released); no
  // handler runs afterwards. The destructor closes too.
  void close();

 private:
  struct Signals;
  IceAgent(GlibLoop& loop, bool reliable, wire::OverlayLinkType link);

  void on_gathering_done();
  void on_component_state(unsigned state);
  void on_selected_pair(const NiceCandidate& local, const NiceCandidate& remote);
  void set_state(IceState s);

  GlibLoop& loop_;
  // Our own reference: an agent dropped after its loop (at a program's exit, with queued
  // handlers) still closes against a live context.
  GMainContext* context_;
  NiceAgent* agent_ = nullptr;
  unsigned stream_ = 0;
  bool reliable_;
  wire::OverlayLinkType link_;
  IceState state_ = IceState::gathering;
  std::optional<IceSelectedPair> selected_;
  GatheredHandler gathered_handler_;
  StateHandler state_handler_;
  ReceiveHandler receive_handler_;
  std::function<void()> writable_handler_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // read by posted signal handlers
};

const char* to_string(IceState s) noexcept;

}  // namespace reload::transport
