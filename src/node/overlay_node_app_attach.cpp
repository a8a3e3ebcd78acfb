// OverlayNode's AppAttach (RFC 6940 section 6.5.2): the listeners applications register,
// the answer to an AppAttach and the stream that follows it, and the AppAttach a local
// application asks for.
//
// Both ends run ICE with a reliable agent (pseudo-TCP over UDP, or ICE-TCP), then TLS with
// mutual certificates and no ALPN. As for Attach (sections 6.5.1.9 and 6.5.1.13), the
// requester is the controlling agent and the TLS server; each end checks that the other's
// certificate carries the Node-ID of the AppAttach: the answerer's must be the target, the
// requester's the Node-ID that signed the request.
#include "node/overlay_node.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "node/ice_offers.hpp"
#include "transport/authenticated_handshake.hpp"
#include "transport/ice_executor.hpp"
#include "transport/ice_session.hpp"
#include "wire/attach.hpp"
#include "wire/codec.hpp"

// g++ 12 at -O2 inlines Asio's coroutine-frame allocation next to its deallocation and then
// reports a mismatch that is not there.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace reload::node {

namespace {

using TimePoint = std::chrono::steady_clock::time_point;

// One log line with the time each step of an AppAttach took (the requester gathers, then
// waits for the answer; the answerer gathers and answers), up to the end of TLS.
std::string app_attach_steps(const std::string& what, std::uint16_t application, TimePoint began, TimePoint answered,
                             TimePoint connected, std::optional<transport::IceSelectedPair> pair,
                             std::optional<TimePoint> gathered = std::nullopt) {
  auto ms = [](TimePoint from, TimePoint to) { return std::chrono::duration<double, std::milli>(to - from).count(); };
  return fmt::format("{} for application {}: {}answered {:.1f} ms, connected {:.1f}, TLS {:.1f} ({} to {})", what,
                     application, gathered ? fmt::format("gathered {:.1f} ms, ", ms(began, *gathered)) : "",
                     ms(gathered.value_or(began), answered), ms(answered, connected),
                     ms(connected, std::chrono::steady_clock::now()), pair ? wire::cand_type_name(pair->local) : "?",
                     pair ? wire::cand_type_name(pair->remote) : "?");
}

}  // namespace

using boost::system::error_code;
using wire::NodeId;

namespace {

// AppAttaches this node answers at once: each holds an ICE agent (sockets, a TURN
// allocation) and a private-key handshake, at the request of any peer.
constexpr std::size_t max_app_attaches_answering = 32;

}  // namespace

std::shared_ptr<transport::IceExecutor> OverlayNode::ice_executor() {
  if (!ice_) ice_ = options_.ice.executor ? options_.ice.executor : std::make_shared<transport::IceExecutor>();
  return ice_;
}

transport::IceAgentOptions OverlayNode::ice_agent_options(bool reliable, bool controlling) const {
  const auto& s = options_.ice;
  transport::IceAgentOptions o;
  o.reliable = reliable;
  o.controlling = controlling;
  o.ice_tcp = reliable && s.stream_over_ice_tcp;
  o.ice_udp = !o.ice_tcp;
  o.stun_pacing = s.stun_pacing;
  o.local_addresses = s.local_addresses;
  if (o.local_addresses.empty() && !options_.listen.address().is_unspecified())
    o.local_addresses.push_back(options_.listen.address());
  o.stun = s.stun;
  o.turn = s.turn;
  return o;
}

bool OverlayNode::listen(std::uint16_t application, AppStreamAcceptor accept) {
  return app_listeners_.try_emplace(application, std::move(accept)).second;
}

void OverlayNode::stop_listening(std::uint16_t application) { app_listeners_.erase(application); }

std::optional<Reply> OverlayNode::accept_app_attach(const IncomingRequest& r, const wire::AppAttachReq& req) {
  if (!app_listeners_.contains(req.application)) return std::nullopt;
  if (r.sender == self()) return Refusal::text(errc::invalid_message, "an AppAttach to ourselves");
  if (app_attaches_answering_ >= max_app_attaches_answering)
    return Refusal::text(errc::forbidden, "too many AppAttaches being set up; try later");
  ++app_attaches_answering_;
  wire::Buffer body(r.message.contents.message_body.begin(), r.message.contents.message_body.end());
  asio::co_spawn(ex_, answer_app_attach(reply_later(r.message, r.previous_hop), r.sender, std::move(body)),
                 asio::detached);
  return Deferred{};
}

asio::awaitable<void> OverlayNode::answer_app_attach(ReplyLater reply, NodeId requester, wire::Buffer body) {
  auto keep = shared_from_this();
  struct Count {
    std::size_t& n;
    ~Count() { --n; }
  } count{app_attaches_answering_};
  auto req = wire::decode_exact<wire::AppAttachReq>(body, codec_);  // decoded once already: it parses
  if (!req) {
    reply(Refusal::text(errc::invalid_message, "undecodable AppAttachReq"));
    co_return;
  }
  auto local = random_ice_credentials();
  const auto began = Clock::now();
  auto session = co_await transport::IceSession::gather(ice_executor(), ice_agent_options(true, false), local,
                                                        options_.ice.gather_timeout);
  if (!session) {
    log(fmt::format("AppAttach from {}: no ICE candidates ({})", short_id(requester), session.error().message()));
    reply(Refusal::text(errc::forbidden, "this peer has no ICE candidates now"));
    co_return;
  }
  wire::AppAttachAns ans{wire::as_bytes(local.ufrag), wire::as_bytes(local.password), req->application,
                         wire::as_bytes(wire::role_active), (*session)->offer().candidates};
  auto encoded = wire::encode_to_buffer(ans);
  if (!encoded) {
    reply(Refusal::text(errc::forbidden, "this peer cannot encode its ICE candidates"));
    co_return;
  }
  reply(Answer{wire::MessageCode::app_attach_ans, std::move(*encoded), {}});
  const auto answered = Clock::now();

  auto channel = co_await (*session)->connect(ice_offer(req->ufrag, req->password, req->candidates),
                                              options_.ice.connect_timeout);
  if (!channel) {
    log(fmt::format("AppAttach from {}: ICE failed ({})", short_id(requester), channel.error().message()));
    co_return;
  }
  const auto connected = Clock::now();
  auto socket = std::make_unique<transport::TlsSocket>(std::move(*channel), *tls_);
  auto peer = co_await transport::authenticated_handshake(*socket, asio::ssl::stream_base::client, trust_, requester,
                                                          limits_.handshake_timeout);
  if (!peer) {
    log(fmt::format("AppAttach from {}: TLS refused ({})", short_id(requester), peer.error().message()));
    co_return;
  }
  log(app_attach_steps(fmt::format("AppAttach from {}", short_id(requester)), req->application, began, answered,
                       connected, (*session)->selected_pair()));
  auto listener = app_listeners_.find(req->application);
  if (stopping_ || listener == app_listeners_.end()) co_return;  // it went while ICE ran
  tell({.type = NodeEvent::Type::app_attached, .peer = requester, .pair = (*session)->selected_pair(), .application = req->application});
  listener->second(AppStream{std::move(socket), requester, std::move(*peer), req->application, (*session)->selected_pair()});
}

void OverlayNode::start_app_attach(NodeId peer, std::uint16_t application, AppStreamHandler done) {
  asio::co_spawn(ex_, originate_app_attach(std::move(peer), application),
                 [done = std::move(done)](std::exception_ptr e, boost::system::result<AppStream> r) {
                   if (e) return done(make_error_code(boost::system::errc::not_enough_memory));
                   done(std::move(r));
                 });
}

asio::awaitable<boost::system::result<AppStream>> OverlayNode::originate_app_attach(NodeId peer,
                                                                                    std::uint16_t application) {
  auto keep = shared_from_this();
  if (stopping_) co_return error_code(asio::error::operation_aborted);
  if (peer == self()) co_return make_error_code(boost::system::errc::invalid_argument);
  auto local = random_ice_credentials();
  const auto began = Clock::now();
  auto session = co_await transport::IceSession::gather(ice_executor(), ice_agent_options(true, true), local,
                                                        options_.ice.gather_timeout);
  if (!session) co_return session.error();
  const auto gathered = Clock::now();
  wire::AppAttachReq req{wire::as_bytes(local.ufrag), wire::as_bytes(local.password), application,
                         wire::as_bytes(wire::role_passive), (*session)->offer().candidates};
  auto encoded = wire::encode_to_buffer(req);
  if (!encoded) co_return encoded.error();
  wire::DestinationList to;  // not a braced list inside co_await: g++ 12 cannot compile that
  to.emplace_back(peer);
  auto answer = co_await request_body(std::move(to), wire::MessageCode::app_attach_req, *encoded);
  if (!answer) co_return answer.error();
  auto ans = wire::decode_exact<wire::AppAttachAns>(*answer, codec_);
  if (!ans || ans->application != application || ans->candidates.empty())
    co_return make_error_code(errc::invalid_message);
  const auto answered = Clock::now();
  auto channel = co_await (*session)->connect(ice_offer(ans->ufrag, ans->password, ans->candidates),
                                              options_.ice.connect_timeout);
  if (!channel) co_return channel.error();
  const auto connected = Clock::now();
  auto socket = std::make_unique<transport::TlsSocket>(std::move(*channel), *tls_);
  auto identity = co_await transport::authenticated_handshake(*socket, asio::ssl::stream_base::server, trust_, peer,
                                                              limits_.handshake_timeout);
  if (!identity) co_return identity.error();
  log(app_attach_steps(fmt::format("AppAttach to {}", short_id(peer)), application, began, answered, connected,
                       (*session)->selected_pair(), gathered));
  tell({.type = NodeEvent::Type::app_attached, .peer = peer, .pair = (*session)->selected_pair(), .application = application});
  co_return AppStream{std::move(socket), std::move(peer), std::move(*identity), application, (*session)->selected_pair()};
}

asio::awaitable<boost::system::result<wire::Buffer>> OverlayNode::request_body(wire::DestinationList destinations,
                                                                               wire::MessageCode code, wire::Bytes body) {
  // Shared with the response handler, which may outlive this coroutine.
  struct Pending {
    explicit Pending(const asio::any_io_executor& ex) : wake(ex, asio::steady_timer::time_point::max()) {}
    asio::steady_timer wake;
    std::optional<boost::system::result<wire::Buffer>> answer;
  };
  auto pending = std::make_shared<Pending>(ex_);
  request(std::move(destinations), code, body, [pending](boost::system::result<Response> r) {
    if (r) pending->answer = wire::Buffer(r->message->contents.message_body.begin(), r->message->contents.message_body.end());
    else pending->answer = r.error();
    pending->wake.cancel();  // resumes the coroutine later, not inside the node's handling of the answer
  });
  while (!pending->answer) {
    error_code ignored;
    co_await pending->wake.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  co_return std::move(*pending->answer);
}

}  // namespace reload::node
