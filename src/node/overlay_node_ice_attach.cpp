// OverlayNode's Attach over ICE (RFC 6940 sections 6.5.1 and 6.6.4): DTLS-UDP-SR overlay
// links. Each end gathers with a non-reliable agent before it speaks (the requester before
// its AttachReq, the answerer before its AttachAns); the requester is the controlling agent
// and the DTLS server (sections 6.5.1.9 and 6.5.1.13); each end checks that the other's
// certificate carries the Node-ID the Attach was with. AttachStates' bounds and decisions
// apply as to No-ICE Attaches: the answerer counts the set-up as a dial to the address of the
// requester's first candidate.
#include "node/overlay_node.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <fmt/format.h>

#include "node/ice_offers.hpp"
#include "transport/dtls_sr_link.hpp"
#include "transport/ice_session.hpp"
#include "wire/attach.hpp"
#include "wire/codec.hpp"

// g++ 12 at -O2 inlines Asio's coroutine-frame allocation next to its deallocation and then
// reports a mismatch that is not there.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace reload::node {

using boost::system::error_code;
using wire::NodeId;

asio::ssl::context& OverlayNode::dtls_context() {
  if (!dtls_) {
    // The identity made a TLS context already in create(); the same one makes this.
    dtls_ = transport::make_tls_context(options_.identity, transport::TlsFlavor::dtls).value();
  }
  return *dtls_;
}

wire::Buffer OverlayNode::ice_answer_without_candidates() {
  return attach_body({random_ice_credentials(), {}}, wire::role_active, false).value();
}

asio::awaitable<void> OverlayNode::send_attach_over_ice(wire::DestinationList to,
                                                        std::optional<topology::AttachPurpose> purpose,
                                                        std::optional<NodeId> peer, bool send_update) {
  auto keep = shared_from_this();
  const auto began = Clock::now();
  const auto local = random_ice_credentials();
  auto session = co_await transport::IceSession::gather(ice_executor(), ice_agent_options(false, true), local,
                                                        options_.ice.gather_timeout);
  if (stopping_) co_return;
  auto body = session ? attach_body((*session)->offer(), wire::role_passive, send_update)
                      : boost::system::result<wire::Buffer>(session.error());
  if (!body) {
    log(fmt::format("no Attach over ICE: {}", body.error().message()));
    if (peer) {
      chord_.on_attach_failed(*peer, Clock::now());
      run_effects();
    }
    if (purpose == topology::AttachPurpose::join) retry_join(body.error());
    co_return;
  }
  std::shared_ptr<transport::IceSession> shared = std::move(*session);
  send_attach_request(std::move(to), purpose, peer, *body, [this, shared, began](const Response& r) {
    wire::Buffer answer(r.message->contents.message_body.begin(), r.message->contents.message_body.end());
    asio::co_spawn(ex_, open_dtls_link(shared, std::move(answer), r.sender, true, std::nullopt, began), asio::detached);
  });
}

asio::awaitable<void> OverlayNode::answer_attach_over_ice(ReplyLater reply, NodeId requester, wire::Buffer body,
                                                          std::string address) {
  auto keep = shared_from_this();
  const auto began = Clock::now();
  const auto local = random_ice_credentials();
  auto session = co_await transport::IceSession::gather(ice_executor(), ice_agent_options(false, false), local,
                                                        options_.ice.gather_timeout);
  auto answer = session ? attach_body((*session)->offer(), wire::role_active, false)
                        : boost::system::result<wire::Buffer>(session.error());
  if (!answer) {
    attaches_.dial_ended(requester, address);
    log(fmt::format("Attach from {}: no ICE candidates ({})", short_id(requester), answer.error().message()));
    reply(Refusal::text(errc::forbidden, "this peer has no ICE candidates now"));
    co_return;
  }
  reply(Answer{wire::MessageCode::attach_ans, std::move(*answer), {}});
  co_await open_dtls_link(std::move(*session), std::move(body), requester, false, address, began);
}

asio::awaitable<void> OverlayNode::open_dtls_link(std::shared_ptr<transport::IceSession> session,
                                                  wire::Buffer peer_body, NodeId peer, bool requester,
                                                  std::optional<std::string> dialled, TimePoint began) {
  auto keep = shared_from_this();
  std::shared_ptr<transport::DtlsSrLink> link;
  error_code failure;
  auto theirs = wire::decode_exact<wire::AttachReqAns>(peer_body, codec_);
  if (!theirs) {
    failure = theirs.error();
  } else {
    auto channel = co_await session->connect(ice_offer(theirs->ufrag, theirs->password, theirs->candidates),
                                             options_.ice.connect_timeout);
    if (!channel) {
      failure = channel.error();
    } else {
      auto opened = co_await transport::DtlsSrLink::open(
          transport::TlsSocket(std::move(*channel), dtls_context()),
          requester ? asio::ssl::stream_base::server : asio::ssl::stream_base::client, trust_, peer, dtls_limits());
      if (opened) link = std::move(*opened);
      else failure = opened.error();
    }
  }
  if (dialled) attaches_.dial_ended(peer, *dialled);
  if (!link) {
    log(fmt::format("attach to {} over ICE failed: {}", short_id(peer), failure.message()));
    // The requester ran the checks itself: its failure is final, and Chord hears of it now
    // rather than when the awaited link expires (10 s). An answer with no candidates (the
    // peer believes it is linked to us already, holding the link of an instance of ours that
    // crashed) so becomes a retry within seconds, by when that peer has found its link quiet.
    if (!stopping_ && (!requester || attaches_.link_failed(peer))) {
      chord_.on_attach_failed(peer, Clock::now());
      run_effects();
    }
    co_return;
  }
  const auto pair = session->selected_pair();
  log(fmt::format("DTLS-UDP-SR link to {} set up in {:.1f} ms as the {} ({} to {})", short_id(peer),
                  std::chrono::duration<double, std::milli>(Clock::now() - began).count(),
                  requester ? "requester" : "answerer", pair ? wire::cand_type_name(pair->local) : "?",
                  pair ? wire::cand_type_name(pair->remote) : "?"));
  // The answerer counts as the side that dialled, as with No-ICE links, so that both ends
  // break a tie between two links the same way (add_link).
  add_link(std::move(link), !requester);
}

}  // namespace reload::node
