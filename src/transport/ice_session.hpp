// One ICE session as the node's executor sees it: an IceAgent that lives on the ICE
// executor's thread, driven from coroutines on another executor. It gathers this side's offer
// (credentials from the CSPRNG and candidates as RFC 6940 IceCandidates), takes the peer's,
// and yields the chosen flow as a ByteChannel on the caller's executor, on which TlsSocket
// then runs DTLS (Attach) or TLS (AppAttach).
//
// The flow is handed over as soon as a pair is connected, not when the checks are all done:
// through NATs libnice reports a usable pair within a round trip or two but "ready" only
// seconds later (ICE-NOTES.md; the NAT rig measured 90 ms against 2.1 s), and the (D)TLS
// handshake retransmits on its own if the first flight is lost.
//
// Every call on the agent is posted to the ICE thread and every answer posted back; nothing
// here blocks either thread. Destroying the session (or the channel, once made) closes the
// agent on its thread.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include "transport/byte_channel.hpp"
#include "transport/ice_agent.hpp"

namespace reload::transport {

class IceExecutor;

// What one side sends the other in its Attach or AppAttach.
struct IceOffer {
  IceCredentials credentials;
  std::vector<wire::IceCandidate> candidates;  // valid as long as the session that made them
};

class IceSession {
 public:
  // Creates an agent with this side's credentials (`local`, from the CSPRNG: they
  // authenticate the checks) on `ice` and gathers its candidates, within `timeout`; resumes
  // on the calling coroutine's executor, which is where the session is used from then on.
  // Errors: address_not_available (no candidate), timed_out, or libnice refusing the agent.
  static asio::awaitable<boost::system::result<std::unique_ptr<IceSession>>> gather(
      std::shared_ptr<IceExecutor> ice, IceAgentOptions options, IceCredentials local,
      std::chrono::milliseconds timeout);

  ~IceSession();
  IceSession(const IceSession&) = delete;
  IceSession& operator=(const IceSession&) = delete;

  const IceOffer& offer() const noexcept { return offer_; }

  // Starts the checks against the peer's offer and waits (at most `timeout`) for a connected
  // pair; the flow then becomes a channel on this session's executor (datagrams for a
  // non-reliable agent, a byte stream for a reliable one). Once only. Errors:
  // invalid_argument (none of the peer's candidates is usable), connection_refused (the
  // checks failed), timed_out.
  asio::awaitable<boost::system::result<std::unique_ptr<ByteChannel>>> connect(const IceOffer& peer,
                                                                               std::chrono::milliseconds timeout);

  // The pair the checks chose, once connect() succeeded (libnice may report it a little
  // later than the connected state: then nullopt).
  std::optional<IceSelectedPair> selected_pair() const;

  struct Shared;

 private:
  explicit IceSession(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}

  std::shared_ptr<Shared> shared_;
  IceOffer offer_;
};

}  // namespace reload::transport
