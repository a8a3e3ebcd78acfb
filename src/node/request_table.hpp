// The requests this node originated and still awaits (RFC 6940 sections 6.2.1 and 6.3.4),
// sans-I/O. A transaction owns everything about one request: its encoded bytes (sent again
// on each retransmission), where it was sent and who may answer it, when it next times
// out, and its completion. The shell builds the message with an id drawn here, sends it,
// starts it, and feeds in what arrives (take_answer) and the time (periodic).
//
// Ids are drawn from an injected source (OpenSSL's CSPRNG in the node): with guessable ids
// any peer could answer a request that was not sent to it.
//
// Reliability (section 6.2.1): a request is sent at most five times, each time waiting one
// overlay-reliability-timer; after the fifth wait it fails (Error_Request_Timeout).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include <boost/system/result.hpp>

#include "wire/destination.hpp"
#include "wire/message.hpp"

namespace reload::node {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

// A response as it arrived, and who signed it. Its views point into the receive buffer and
// are valid only during the callback.
struct Response {
  const wire::Message* message = nullptr;
  wire::NodeId sender;
};
using ResponseHandler = std::function<void(boost::system::result<Response>)>;

struct ReliabilitySettings {
  std::chrono::milliseconds timer{3000};  // overlay-reliability-timer
  int max_transmissions = 5;
};

// Section 6.3.4's second check needs the topology: is `responder` at least as close to
// `target` as every peer of the requesting node's neighbor table?
class ResponderRule {
 public:
  virtual ~ResponderRule() = default;
  virtual bool close_enough(const wire::ResourceId& target, const wire::NodeId& responder) const = 0;
};

class RequestTable {
 public:
  RequestTable(ReliabilitySettings settings, std::function<std::uint64_t()> draw_id)
      : settings_(settings), draw_id_(std::move(draw_id)) {}

  // An id no pending request has, never 0, for the message about to be built.
  std::uint64_t new_id();

  struct Request {
    std::uint64_t id = 0;
    wire::Buffer encoded;     // the whole message, sent again on retransmission
    wire::Destination first;  // the first entry of its destination list: where it is sent
    wire::Destination target; // the last entry: who must answer
    ResponseHandler done;
    int transmissions = 0;    // cap below the settings' (0: the settings')
  };
  // `request` was sent once at `now`. False when its id is already pending (a programming
  // error of the caller: new_id() was not used).
  bool start(Request request, TimePoint now);

  enum class Verdict : std::uint8_t {
    accepted,          // the completion is returned; the transaction is over
    unknown,           // no such request: late, duplicate, or never ours
    wrong_responder,   // not from the peer that was asked; the request still waits
  };
  // A response with `id` arrived, signed by `sender`. `forwarding_error` says it is an error
  // response that forwarding peers legitimately send (Error_TTL_Exceeded and the like), which
  // is accepted from any sender: only a peer on the path saw the id, and such a peer could
  // as well drop the request. Returns the completion when the verdict is `accepted`.
  ResponseHandler take_answer(std::uint64_t id, const wire::NodeId& sender, bool forwarding_error,
                              const ResponderRule& rule, Verdict& verdict);

  // Abandons one request without completing it (its caller gave up).
  void cancel(std::uint64_t id);
  // Every pending completion, the table emptied: a node shutting down completes them with
  // operation_aborted.
  std::vector<ResponseHandler> take_all();

  struct Due {
    struct Resend {
      wire::Destination first;
      wire::Bytes encoded;  // valid until the next call
    };
    std::vector<Resend> resend;
    std::vector<ResponseHandler> failed;  // complete with Error_Request_Timeout
  };
  // Fills `due` with the retransmissions and failures at `now`; returns the next deadline,
  // or nothing when no request is pending.
  std::optional<TimePoint> periodic(TimePoint now, Due& due);
  std::optional<TimePoint> next_deadline() const;

  std::size_t pending() const noexcept { return by_id_.size(); }
  bool contains(std::uint64_t id) const { return by_id_.contains(id); }
  // Answers refused because they came from a peer that was not asked (section 6.3.4).
  std::uint64_t refused_answers() const noexcept { return refused_; }

 private:
  struct Entry {
    Request request;
    int sent = 1;
    int max_transmissions;
    TimePoint deadline;
  };
  void forget(std::map<std::uint64_t, Entry>::iterator it);

  ReliabilitySettings settings_;
  std::function<std::uint64_t()> draw_id_;
  std::map<std::uint64_t, Entry> by_id_;
  std::set<std::pair<TimePoint, std::uint64_t>> deadlines_;
  std::uint64_t refused_ = 0;
};

}  // namespace reload::node
