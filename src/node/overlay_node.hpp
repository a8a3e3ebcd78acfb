// A RELOAD peer on Asio: the shell that binds the sans-I/O cores (Chord, forwarding
// decisions, transactions, link monitors) to TLS links, timers and the signing identity.
//
// Everything runs on one executor (DESIGN.md principle 2). Links are TLS-TCP-FH-NO-ICE
// (RFC 6940 section 6.6.5); Attach carries a passive TCP candidate, the Attach answerer
// dials it (the request's role is passive, the answer's active; PITFALLS.md item 13).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/result.hpp>

#include "config/configuration.hpp"
#include "crypto/certificate_cache.hpp"
#include "crypto/signing.hpp"
#include "node/app_attach_method.hpp"
#include "node/app_stream.hpp"
#include "node/attach_states.hpp"
#include "node/diagnostic_methods.hpp"
#include "node/forwarding_decision.hpp"
#include "node/method_handler.hpp"
#include "node/node_event.hpp"
#include "node/join_admissions.hpp"
#include "node/messages_awaiting_link.hpp"
#include "node/recent_answers.hpp"
#include "node/responsible_cache.hpp"
#include "node/storage_service.hpp"
#include "node/topology_methods.hpp"
#include "node/request_table.hpp"
#include "topology/chord.hpp"
#include "transport/ice_agent.hpp"
#include "transport/listener.hpp"
#include "transport/tls_context.hpp"
#include "transport/tls_link.hpp"
#include "wire/fragmentation.hpp"
#include "wire/message.hpp"

namespace reload::transport {
class IceExecutor;
class IceSession;
class DtlsListener;
struct DtlsSrLimits;
}

namespace reload::node {

namespace asio = boost::asio;

// How this node runs ICE (AppAttach streams, and Attach where the overlay uses ICE). RFC
// 6940's configuration document names no STUN server, so they come from here.
struct IceSettings {
  // The thread every libnice agent of the node lives on; nodes of one process may share
  // one. Unset: the node starts its own when it first needs ICE.
  std::shared_ptr<transport::IceExecutor> executor;
  // Host candidates only on these addresses. Empty: the address the node listens on when it
  // is a specific one, otherwise every interface libnice finds (never loopback).
  std::vector<asio::ip::address> local_addresses;
  std::optional<transport::IceServer> stun;
  std::optional<transport::IceServer> turn;
  bool stream_over_ice_tcp = false;  // AppAttach streams on ICE-TCP instead of pseudo-TCP over UDP
  std::chrono::milliseconds stun_pacing{20};  // RFC 8445's Ta
  std::chrono::milliseconds gather_timeout{5000};
  std::chrono::milliseconds connect_timeout{10000};  // from the answer to a connected pair
};

struct NodeOptions {
  config::Configuration configuration;
  transport::TlsIdentity identity;
  wire::NodeId node_id;                          // one of the certificate's
  asio::ip::tcp::endpoint listen;                // port 0: any free port
  std::vector<asio::ip::tcp::endpoint> bootstrap;  // tried in order; none: start a new ring
  std::uint64_t seed = std::random_device{}();
  std::function<void(const std::string&)> log;   // one line per event, no trailing newline
  std::function<void(const NodeEvent&)> on_event;  // node_event.hpp
  IceSettings ice;
};

// A Node-ID in log lines: its first eight hex digits.
std::string short_id(const wire::NodeId& id);

// How a request goes out, beyond where to.
struct RequestOptions {
  std::vector<crypto::Certificate> extra_certificates;  // into the security block
  int transmissions = 0;  // sends at most (0: the five of section 6.2.1)
};

class OverlayNode final : public transport::LinkHandler,
                          public RoutingOracle,
                          private ResponderRule,
                          private ReplicaSender,
                          public std::enable_shared_from_this<OverlayNode> {
 public:
  static boost::system::result<std::shared_ptr<OverlayNode>> create(asio::any_io_executor ex,
                                                                     NodeOptions options);
  ~OverlayNode() override;

  // Listens, then joins through the first bootstrap peer that answers, or, when none is
  // given or reachable and `may_create` is set, starts a new overlay alone.
  boost::system::error_code start(bool may_create = true);
  // Sends Leave to every neighbor, waits for the answers (at most `grace`), closes every link.
  void leave(std::function<void()> done, std::chrono::milliseconds grace = std::chrono::seconds(3));
  // Stops as a crashed peer would: no Leave, links and listener closed at once (tests and
  // simulations; the peers notice through their links).
  void crash();

  // Originates a request to `destinations` (signed, retransmitted, timed out as section
  // 6.2.1 says) and hands the response or an error to `done`, never inside this call. Only
  // an answer from the last destination counts (section 6.3.4). A node that stops completes
  // every pending request with operation_aborted.
  // Returns its transaction id, or 0 when it failed before it was sent.
  std::uint64_t request(wire::DestinationList destinations, wire::MessageCode code, wire::Bytes body,
                        ResponseHandler done, RequestOptions options = {});

  // AppAttach (section 6.5.2). Incoming streams for `application` go to `accept` from now on;
  // false when the application has a listener already.
  bool listen(std::uint16_t application, AppStreamAcceptor accept);
  void stop_listening(std::uint16_t application);
  // Asks `peer` for a stream of `application` and completes with it, authenticated (the
  // peer's certificate carries `peer`), or with an error: the RFC's from the answerer
  // (Error_Not_Found: nobody there listens for it), request_timeout, or ICE's and TLS's.
  // Signature void(error_code, AppStream); completion tokens as DESIGN.md principle 8.
  template <class Token>
  auto async_app_attach(wire::NodeId peer, std::uint16_t application, Token&& token) {
    return asio::async_initiate<Token, void(boost::system::error_code, AppStream)>(
        [this](auto handler, wire::NodeId peer, std::uint16_t application) {
          start_app_attach(std::move(peer), application,
                           [h = std::make_shared<decltype(handler)>(std::move(handler))](
                               boost::system::result<AppStream> r) mutable {
                             if (r) std::move(*h)(boost::system::error_code{}, std::move(*r));
                             else std::move(*h)(r.error(), AppStream{});
                           });
        },
        token, std::move(peer), application);
  }

  // The executor everything of this node runs on.
  const asio::any_io_executor& executor() const noexcept { return ex_; }
  // The TLS context of this node's links and AppAttach streams (its certificate and key).
  asio::ssl::context& tls_context() noexcept { return *tls_; }
  const topology::Chord& chord() const noexcept { return chord_; }
  asio::ip::tcp::endpoint listen_endpoint() const;
  std::size_t link_count() const noexcept { return links_.size(); }
  std::size_t link_count(wire::OverlayLinkType type) const noexcept;
  // The listener (nullptr before start()): handshakes in progress, connections refused.
  const transport::Listener* listener() const noexcept { return listener_.get(); }
  std::size_t pending_requests() const noexcept { return requests_.pending(); }
  // Answers refused because they came from a peer that was not asked (section 6.3.4).
  std::uint64_t refused_answers() const noexcept { return requests_.refused_answers(); }
  const config::Configuration& configuration() const noexcept { return options_.configuration; }
  // Signs what this node stores (StoredData signatures, section 7.1).
  const crypto::Signer& signer() const noexcept { return signer_; }
  const StorageService& storage() const noexcept { return storage_; }
  const wire::CodecContext& codec_context() const noexcept { return codec_; }
  // The certificates this node has checked, and its trust in the overlay's roots.
  crypto::CertificateCache& certificate_cache() noexcept { return trust_; }
  // Who answered for which Resource-ID lately (the storage client's requests name them).
  ResponsibleCache& responsible_peers() noexcept { return responsible_; }
  const ResponsibleCache& responsible_peers() const noexcept { return responsible_; }

  // The ICE thread of this node (started on first use).
  std::shared_ptr<transport::IceExecutor> ice_executor();

  // RoutingOracle
  const wire::NodeId& self() const override { return options_.node_id; }
  bool responsible_for(const wire::NodeId& key) const override;
  std::optional<wire::NodeId> next_hop(const wire::NodeId& key) const override;
  bool connected(const wire::NodeId& peer) const override;

 private:
  OverlayNode(asio::any_io_executor ex, NodeOptions options, crypto::Signer signer,
              std::shared_ptr<asio::ssl::context> tls);

  // ResponderRule
  bool close_enough(const wire::ResourceId& target, const wire::NodeId& responder) const override;
  // Completes `done` with `error` later, on the node's executor.
  void fail_later(ResponseHandler done, boost::system::error_code error);
  // Section 10.5 steps 6 to 8: a joiner we answered gets its range's data, then Chord admits it.
  void admit_joiner(const NodeId& joiner, TimePoint now);
  void finish_admission(const NodeId& joiner);

  // LinkHandler
  void on_link_message(transport::Link& link, wire::Bytes message) override;
  void on_link_suspect(transport::Link& link) override;
  void on_link_resumed(transport::Link& link) override;
  // The peer `link` belongs to, while it is that peer's link in use (not one replaced).
  const NodeId* current_peer_of(const transport::Link& link) const;
  void on_link_closed(transport::Link& link, boost::system::error_code why) override;

  void add_link(std::shared_ptr<transport::Link> link, bool we_dialled);
  asio::awaitable<void> bootstrap(bool may_create);
  // Binds the TCP listener and, where links may be DTLS, the UDP one on the same port.
  boost::system::error_code open_listeners();
  // A No-ICE link (section 6.5.1.11): TLS-TCP-FH-NO-ICE or DTLS-UDP-SR-NO-ICE, as `type` says;
  // the peer must carry `expected` when given.
  asio::awaitable<boost::system::result<std::shared_ptr<transport::Link>>> connect_no_ice(
      asio::ip::tcp::endpoint to, wire::OverlayLinkType type, std::optional<wire::NodeId> expected);
  asio::awaitable<void> dial(asio::ip::tcp::endpoint to, wire::OverlayLinkType type, wire::NodeId expected);

  void deliver_locally(wire::Bytes message, const wire::NodeId& previous_hop);
  // Hands a verified request to the handler registered for its method and sends its reply.
  void handle_request(const wire::Message& m, const crypto::VerifiedSigner& signer,
                      const wire::NodeId& sender, const wire::NodeId& previous_hop);
  void send_reply(const wire::Message& request, const wire::NodeId& previous_hop, const Reply& reply);
  // The reply to a request whose handler answered Deferred.
  using ReplyLater = std::function<void(const Reply&)>;
  ReplyLater reply_later(const wire::Message& request, const wire::NodeId& previous_hop);
  // The same request as request(), awaited: the answer's body (copied), or the error.
  asio::awaitable<boost::system::result<wire::Buffer>> request_body(wire::DestinationList destinations,
                                                                     wire::MessageCode code, wire::Bytes body);
  void handle_response(const wire::Message& m, const wire::NodeId& sender);
  // `certificates` go into the security block after ours (a FetchAns's storers).
  void answer(const wire::Message& request, const wire::NodeId& previous_hop,
              wire::MessageCode code, wire::Bytes body, std::vector<crypto::Certificate> certificates = {});
  void answer_error(const wire::HeaderView& h, wire::Bytes message, const wire::NodeId& previous_hop,
                    errc error, std::string_view reason);
  void answer_error(const wire::Message& request, const wire::NodeId& previous_hop, errc error,
                    std::string_view reason);
  boost::system::error_code send_toward(wire::Bytes message, const wire::Destination& first);
  // Drops messages that waited too long for their link, and arms the timer for the next.
  void expire_awaiting_link();

  // ReplicaSender
  void send_store(wire::DestinationList to, wire::Buffer store_req,
                  std::vector<crypto::Certificate> certificates, Acknowledged done) override;
  void send_fetch(wire::DestinationList to, wire::Buffer fetch_req, Fetched done) override;

  Reply on_attach_request(const IncomingRequest& request);
  // Unless the document says <no-ice>, Attach runs ICE and links are DTLS-UDP-SR (section
  // 6.6.4). Either way the node answers an Attach in the link type it asks for.
  bool attaches_over_ice() const noexcept { return !options_.configuration.no_ice; }
  // Links without ICE (to a bootstrap node, or by a No-ICE Attach) are DTLS-UDP-SR-NO-ICE when
  // the document's first overlay-link-protocol names DTLS, TLS-TCP-FH-NO-ICE otherwise.
  bool links_over_dtls() const noexcept;
  wire::OverlayLinkType no_ice_link_type() const noexcept;
  transport::DtlsSrLimits dtls_limits() const;
  // Sends an Attach with `body`; `on_answer` (if any) sees the answer of a peer not yet linked.
  void send_attach_request(wire::DestinationList to, std::optional<topology::AttachPurpose> purpose,
                           std::optional<wire::NodeId> peer, wire::Bytes body,
                           std::function<void(const Response&)> on_answer);
  // Attach over ICE (overlay_node_ice_attach.cpp).
  asio::awaitable<void> send_attach_over_ice(wire::DestinationList to, std::optional<topology::AttachPurpose> purpose,
                                             std::optional<wire::NodeId> peer, bool send_update);
  asio::awaitable<void> answer_attach_over_ice(ReplyLater reply, wire::NodeId requester, wire::Buffer body,
                                               std::string address);
  // Runs the checks against the peer's AttachReqAns (`peer_body`), then DTLS; the link joins
  // the others. `dialled`: the address this node counts a dial to, as the answerer.
  // `began`: when this end started on the Attach (for the log line that says how long it took).
  asio::awaitable<void> open_dtls_link(std::shared_ptr<transport::IceSession> session, wire::Buffer peer_body,
                                       wire::NodeId peer, bool requester, std::optional<std::string> dialled,
                                       TimePoint began);
  asio::ssl::context& dtls_context();
  // An ICE AttachAns for a peer linked already: fresh credentials, no candidates.
  static wire::Buffer ice_answer_without_candidates();

  // AppAttach (overlay_node_app_attach.cpp).
  transport::IceAgentOptions ice_agent_options(bool reliable, bool controlling) const;
  std::optional<Reply> accept_app_attach(const IncomingRequest& request, const wire::AppAttachReq& req);
  asio::awaitable<void> answer_app_attach(ReplyLater reply, wire::NodeId requester, wire::Buffer body);
  using AppStreamHandler = std::function<void(boost::system::result<AppStream>)>;
  void start_app_attach(wire::NodeId peer, std::uint16_t application, AppStreamHandler done);
  asio::awaitable<boost::system::result<AppStream>> originate_app_attach(wire::NodeId peer, std::uint16_t application);
  void on_attach_answer(const wire::NodeId& answerer, std::optional<topology::AttachPurpose> purpose);

  void retry_join(boost::system::error_code why);
  void shut_down();
  void tell(const NodeEvent& event) const;
  void run_effects();    // carries out Chord's effects, then re-arms the timer
  void drain_effects();  // the same without touching the timer (from the timer itself)
  void send_attach(wire::DestinationList to, std::optional<topology::AttachPurpose> purpose,
                   std::optional<wire::NodeId> peer, bool send_update);
  void reschedule();
  asio::awaitable<void> timer_loop();
  void log(const std::string& line) const;
  wire::Buffer own_candidates_body(std::string_view role, bool send_update, wire::OverlayLinkType type);

  asio::any_io_executor ex_;
  NodeOptions options_;
  crypto::Signer signer_;
  std::shared_ptr<asio::ssl::context> tls_;
  crypto::CertificateCache trust_;
  wire::DataModelTable data_models_;
  wire::CodecContext codec_;
  LocalPolicy policy_;
  transport::LinkLimits limits_;
  topology::Chord chord_;
  RequestTable requests_;
  ResponsibleCache responsible_;
  StorageService storage_;
  TopologyMethods topology_methods_;
  DiagnosticMethods diagnostics_;
  AppAttachMethod app_attach_;
  // Attach lives in the shell until the link set-up becomes a state machine of its own.
  struct FunctionMethod final : MethodHandler {
    explicit FunctionMethod(std::function<Reply(const IncomingRequest&)> f) : f_(std::move(f)) {}
    Reply handle(const IncomingRequest& r) override { return f_(r); }
    std::function<Reply(const IncomingRequest&)> f_;
  } attach_method_;
  MethodTable methods_;
  RecentAnswers recent_answers_;
  JoinAdmissions admissions_;
  wire::Reassembler reassembler_;
  std::shared_ptr<transport::Listener> listener_;
  std::shared_ptr<transport::DtlsListener> dtls_listener_;  // where links may be DTLS
  std::map<wire::NodeId, std::shared_ptr<transport::Link>> links_;
  struct LinkPeer {
    wire::NodeId id;
    wire::Buffer as_via;  // its encoded Destination: what forwarding appends to via lists
    bool we_dialled = false;
    bool quiet = false;  // its frames went unacknowledged past the RTO (on_link_suspect)
    std::chrono::steady_clock::time_point probed{};  // the last Ping sent to test it
  };
  // An Attach from a peer we hold a link to. True when that link had gone quiet and was
  // dropped (the peer restarted and lost its end), so the Attach is served as any other.
  bool drop_link_if_stale(const wire::NodeId& peer, std::chrono::steady_clock::time_point now);
  std::map<const transport::Link*, LinkPeer> link_peers_;
  wire::Buffer forward_buffer_;  // reused by every forward: no allocation once grown
  AttachStates attaches_;
  std::shared_ptr<transport::IceExecutor> ice_;
  std::shared_ptr<asio::ssl::context> dtls_;  // made when the first DTLS link is
  std::map<std::uint16_t, AppStreamAcceptor> app_listeners_;
  std::size_t app_attaches_answering_ = 0;
  std::mt19937_64 random_;
  asio::steady_timer timer_;
  MessagesAwaitingLink awaiting_link_;
  asio::steady_timer awaiting_link_timer_;  // drops what waited too long for its link
  TimePoint last_neighbor_change_{};
  bool stable_reported_ = false;
  bool admitted_reported_ = false;
  bool stopping_ = false;
};

}  // namespace reload::node
