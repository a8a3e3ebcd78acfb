#include "node/overlay_node.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "crypto/random.hpp"
#include "node/message_builder.hpp"
#include "transport/dtls_listener.hpp"
#include "wire/codec.hpp"
#include "wire/error_response.hpp"
#include "wire/hashes.hpp"
#include "wire/ring.hpp"
#include "wire/topology.hpp"

namespace reload::node {

using boost::system::error_code;
using wire::NodeId;
namespace effect = topology::effect;

std::string short_id(const NodeId& id) { return id.hex().substr(0, 8); }

namespace {

topology::ChordSettings chord_settings(const config::Configuration& c) {
  topology::ChordSettings s;
  s.update_interval = c.chord_update_interval;
  s.ping_interval = c.chord_ping_interval;
  s.reactive = c.chord_reactive;
  return s;
}

// Fragments wait at most a request's lifetime (five overlay-reliability-timers), each message
// at most max-message-size, all of them together at most as much as 64 whole messages.
wire::ReassemblyLimits reassembly_limits(const config::Configuration& c) {
  return {c.max_message_size, 64 * std::size_t{c.max_message_size}, 5 * c.overlay_reliability_timer};
}

// Replies kept for retransmitted Stores: a StoreAns is a few hundred bytes, so thousands of
// Stores a minute fit.
constexpr std::size_t recent_answers_bytes = 1 << 20;

// A peer cannot see the whole ring; it calls its part stable when its neighbor lists have
// not changed for this long (the operator's "ring stable" progress line).
constexpr std::chrono::seconds ring_quiet_period{3};
// A node that talks to many resources keeps the responders of the last thousand, each for a
// minute: short enough that the peers named have seldom left (each such request costs one
// overlay-reliability-timer before it is asked again), long enough for a burst of requests.
constexpr std::size_t responsible_cache_capacity = 1024;
constexpr std::chrono::seconds responsible_cache_lifetime{60};

}  // namespace

boost::system::result<std::shared_ptr<OverlayNode>> OverlayNode::create(asio::any_io_executor ex,
                                                                         NodeOptions options) {
  auto signer = crypto::Signer::make(options.identity.key, options.identity.certificate, options.node_id);
  if (!signer) return signer.error();
  auto tls = transport::make_tls_context(options.identity);
  if (!tls) return tls.error();
  return std::shared_ptr<OverlayNode>(new OverlayNode(ex, std::move(options), std::move(*signer), *tls));
}

OverlayNode::OverlayNode(asio::any_io_executor ex, NodeOptions options, crypto::Signer signer,
                         std::shared_ptr<asio::ssl::context> tls)
    : ex_(ex),
      options_(std::move(options)),
      signer_(std::move(signer)),
      tls_(std::move(tls)),
      trust_(crypto::TrustStore(options_.configuration.trust_policy())),
      data_models_(options_.configuration.data_models()),
      codec_(options_.configuration.codec_context(data_models_)),
      chord_(options_.node_id, chord_settings(options_.configuration), options_.seed),
      requests_(ReliabilitySettings{options_.configuration.overlay_reliability_timer, 5}, crypto::random_u64),
      responsible_(responsible_cache_capacity, responsible_cache_lifetime),
      storage_(options_.configuration, *this, chord_.neighbors(), trust_),
      topology_methods_(chord_, codec_, options_.configuration.node_id_length,
                        [this](const std::string& line) { log(line); },
                        [this](const NodeId& joiner, TimePoint now) { admit_joiner(joiner, now); }),
      diagnostics_(chord_.neighbors(), codec_, [this] { return storage_.store().stats().resources; },
                   options_.seed ^ 0x9e3779b97f4a7c15ull),
      app_attach_(codec_, [this](const IncomingRequest& r, const wire::AppAttachReq& q) { return accept_app_attach(r, q); }),
      attach_method_([this](const IncomingRequest& r) { return on_attach_request(r); }),
      recent_answers_(5 * options_.configuration.overlay_reliability_timer, recent_answers_bytes),
      reassembler_(reassembly_limits(options_.configuration)),
      attaches_(options_.node_id, AttachStates::Settings{}),
      random_(options_.seed),
      timer_(ex),
      awaiting_link_timer_(ex) {
  const auto& c = options_.configuration;
  policy_.overlay = wire::overlay_hash(c.instance_name);
  policy_.initial_ttl = c.initial_ttl;
  policy_.max_message_size = c.max_message_size;
  policy_.node_id_length = c.node_id_length;
  limits_.max_message_size = c.max_message_size;
  trust_.insert(options_.identity.certificate);
  storage_.register_in(methods_);
  topology_methods_.register_in(methods_);
  diagnostics_.register_in(methods_);
  app_attach_.register_in(methods_);
  methods_.add(wire::MessageCode::attach_req, attach_method_);
}

OverlayNode::~OverlayNode() = default;

void OverlayNode::log(const std::string& line) const {
  if (options_.log) options_.log(fmt::format("{} {}", short_id(self()), line));
}

asio::ip::tcp::endpoint OverlayNode::listen_endpoint() const {
  return listener_ ? listener_->local_endpoint() : asio::ip::tcp::endpoint{};
}

bool OverlayNode::responsible_for(const NodeId& key) const { return chord_.responsible_for(key); }

std::optional<NodeId> OverlayNode::next_hop(const NodeId& key) const {
  auto d = chord_.route(key);
  if (d.next_hop && links_.contains(*d.next_hop)) return d.next_hop;
  return std::nullopt;
}

bool OverlayNode::connected(const NodeId& peer) const { return links_.contains(peer); }

std::size_t OverlayNode::link_count(wire::OverlayLinkType type) const noexcept {
  return static_cast<std::size_t>(
      std::count_if(links_.begin(), links_.end(), [type](const auto& l) { return l.second->type() == type; }));
}

bool OverlayNode::close_enough(const wire::ResourceId& target, const NodeId& responder) const {
  return chord_.neighbors().at_least_as_close(wire::ring::point_of(target, options_.configuration.node_id_length),
                                              responder);
}

void OverlayNode::fail_later(ResponseHandler done, error_code error) {
  asio::post(ex_, [done = std::move(done), error] { done(error); });
}

void OverlayNode::admit_joiner(const NodeId& joiner, TimePoint now) {
  if (chord_.state() == topology::Chord::State::joined) {
    switch (admissions_.wait_for(joiner, now)) {
      case JoinAdmissions::Wait::already_waiting: return;  // a retransmitted Join
      case JoinAdmissions::Wait::full: break;
      case JoinAdmissions::Wait::started: {
        auto handed = storage_.hand_over_to_joiner(joiner, now, [weak = weak_from_this(), joiner] {
          if (auto self = weak.lock()) self->finish_admission(joiner);
        });
        if (handed) {
          log(fmt::format("handing {} its data before admitting it", short_id(joiner)));
          return;
        }
        admissions_.finish(joiner);
      }
    }
  }
  chord_.on_join_request(joiner, now);
}

void OverlayNode::finish_admission(const NodeId& joiner) {
  if (stopping_ || !admissions_.finish(joiner)) return;  // admitted already, when its time was up
  chord_.on_join_request(joiner, Clock::now());
  run_effects();
}

// ---------------------------------------------------------------- start, links, leave

error_code OverlayNode::start(bool may_create) {
  diagnostics_.started(Clock::now());
  if (auto ec = open_listeners()) return ec;
  auto accept = [self = shared_from_this()](auto link) {
    if (!link) {
      self->log(fmt::format("refused a link: {}", link.error().message()));
      return;
    }
    self->add_link(std::move(*link), false);
  };
  listener_->start(accept);
  if (dtls_listener_) dtls_listener_->start(accept);
  log(fmt::format("listening on {}:{}{}", listen_endpoint().address().to_string(), listen_endpoint().port(),
                  dtls_listener_ ? " (TCP and UDP)" : ""));
  asio::co_spawn(ex_, [self = shared_from_this()] { return self->timer_loop(); }, asio::detached);
  asio::co_spawn(ex_, [self = shared_from_this(), may_create] { return self->bootstrap(may_create); },
                 asio::detached);
  return {};
}

asio::awaitable<void> OverlayNode::bootstrap(bool may_create) {
  for (const auto& ep : options_.bootstrap) {
    if (ep == listen_endpoint()) continue;
    log(fmt::format("connecting to bootstrap {}:{}", ep.address().to_string(), ep.port()));
    auto link = co_await connect_no_ice(ep, no_ice_link_type(), std::nullopt);
    if (!link) {
      log(fmt::format("bootstrap {}:{} failed: {}", ep.address().to_string(), ep.port(), link.error().message()));
      continue;
    }
    if ((*link)->peer().node_ids.empty() || (*link)->peer().node_ids.front() == self()) {
      (*link)->close();
      continue;  // ourselves, under another address
    }
    add_link(std::move(*link), true);
    log("joining");
    chord_.join(Clock::now());
    run_effects();
    co_return;
  }
  if (!may_create) {
    log("no bootstrap peer answered");
    co_return;
  }
  log("no bootstrap peer: starting a new overlay");
  chord_.create(Clock::now());
  run_effects();
}

asio::awaitable<void> OverlayNode::dial(asio::ip::tcp::endpoint to, wire::OverlayLinkType type, NodeId expected) {
  auto link = co_await connect_no_ice(to, type, expected);
  attaches_.dial_ended(expected, to.address().to_string());
  if (!link) {
    log(fmt::format("attach to {} failed: {}", short_id(expected), link.error().message()));
    chord_.on_attach_failed(expected, Clock::now());
    run_effects();
    co_return;
  }
  add_link(std::move(*link), true);
}

void OverlayNode::add_link(std::shared_ptr<transport::Link> link, bool we_dialled) {
  if (stopping_) {
    link->close();
    return;
  }
  const auto& ids = link->peer().node_ids;
  if (ids.empty()) {
    link->close();
    return;
  }
  NodeId peer = ids.front();
  if (options_.configuration.is_bad_node(peer) || peer == self()) {
    link->close();
    return;
  }
  if (auto old = links_.find(peer); old != links_.end()) {
    // Both ends dialled at once (each answering the other's Attach). If each kept its own
    // first link, both links would die and the two would dial again, forever; so both keep
    // the link dialled by the lower Node-ID. A second link from the same side replaces the
    // first: the peer has given up on it.
    auto stale = old->second;
    auto& stale_info = link_peers_.at(stale.get());
    const bool keep_new = stale_info.we_dialled == we_dialled || (we_dialled ? self() < peer : peer < self());
    if (!keep_new) {
      link->close();
      return;
    }
    link_peers_.erase(stale.get());  // its closing is no news to Chord: the peer stays linked
    links_.erase(old);
    stale->close();
  }
  links_.emplace(peer, link);
  link_peers_.emplace(link.get(), LinkPeer{peer, wire::encode_destination(peer), we_dialled});
  log(fmt::format("link up {}", short_id(peer)));
  tell({.type = NodeEvent::Type::link_up, .peer = peer});
  const auto why = attaches_.link_up(peer);
  chord_.on_attached(peer, why.purpose, Clock::now());
  if (why.send_update) chord_.send_update_to(peer, Clock::now());
  // Chord knows the link before it starts: a link may hand over what arrived during its
  // handshake from inside start(), and a Join read before Chord knew the joiner's link was
  // ignored.
  link->start(*this);
  for (const auto& message : awaiting_link_.take(peer)) link->send(message);
  run_effects();
}

// Section 6.6.5: a link whose frames go unacknowledged past its RTO leaves the routing table
// at once, and the link stays open for the 30 s failure timeout in case the peer was only
// slow. A peer that stopped silently (a frozen process, a pulled cable) is thus routed around
// within a keepalive interval and an RTO, not 30 s, and its data re-replicated as soon.
void OverlayNode::on_link_suspect(transport::Link& link) {
  const NodeId* peer = current_peer_of(link);
  if (!peer || stopping_) return;
  log(fmt::format("link to {} is quiet: out of routing", short_id(*peer)));
  link_peers_.at(&link).quiet = true;
  chord_.on_link_quiet(*peer, Clock::now());
  run_effects();
}

void OverlayNode::on_link_resumed(transport::Link& link) {
  const NodeId* peer = current_peer_of(link);
  if (!peer || stopping_) return;
  log(fmt::format("link to {} answers again", short_id(*peer)));
  link_peers_.at(&link).quiet = false;
  chord_.on_link_resumed(*peer, Clock::now());
  run_effects();
}

const NodeId* OverlayNode::current_peer_of(const transport::Link& link) const {
  auto it = link_peers_.find(&link);
  if (it == link_peers_.end()) return nullptr;
  auto l = links_.find(it->second.id);
  return l != links_.end() && l->second.get() == &link ? &it->second.id : nullptr;
}

void OverlayNode::on_link_closed(transport::Link& link, error_code why) {
  auto it = link_peers_.find(&link);
  if (it == link_peers_.end()) return;
  NodeId peer = it->second.id;
  link_peers_.erase(it);
  auto l = links_.find(peer);
  if (l != links_.end() && l->second.get() == &link) links_.erase(l);
  log(fmt::format("link down {}{}", short_id(peer), why ? ": " + why.message() : ""));
  tell({.type = NodeEvent::Type::link_down, .peer = peer});
  if (!stopping_) {
    chord_.on_detached(peer, Clock::now());
    run_effects();
  }
}

void OverlayNode::leave(std::function<void()> done, std::chrono::milliseconds grace) {
  auto self = shared_from_this();
  chord_.leave(Clock::now());
  auto effects = chord_.take_effects();
  auto remaining = std::make_shared<std::size_t>(0);
  auto finish = [self, done = std::move(done)]() mutable {
    if (!done) return;
    self->shut_down();
    auto d = std::move(done);
    done = nullptr;
    d();
  };
  auto finish_once = std::make_shared<decltype(finish)>(std::move(finish));
  for (auto& e : effects) {
    if (auto* l = std::get_if<effect::SendLeave>(&e)) {
      wire::LeaveReq req{self->self(), {}};
      auto data = wire::encode_to_buffer(l->data).value();
      req.overlay_specific_data = data;
      ++*remaining;
      request({l->to}, wire::MessageCode::leave_req, wire::encode_to_buffer(req).value(),
              [remaining, finish_once](auto) {
                if (--*remaining == 0) (*finish_once)();
              });
    }
  }
  log("leaving");
  if (*remaining == 0) {
    (*finish_once)();
    return;
  }
  auto t = std::make_shared<asio::steady_timer>(ex_, grace);
  t->async_wait([t, finish_once](error_code) { (*finish_once)(); });
}

void OverlayNode::crash() {
  log("stopping without Leave");
  shut_down();
}

void OverlayNode::shut_down() {
  const bool first = !stopping_;
  stopping_ = true;
  if (listener_) listener_->stop();
  if (dtls_listener_) dtls_listener_->stop();
  auto links = links_;
  for (auto& [id, l] : links) l->close();
  timer_.cancel();
  for (auto& done : requests_.take_all()) fail_later(std::move(done), asio::error::operation_aborted);
  if (first) tell({.type = NodeEvent::Type::stopped});
}

void OverlayNode::tell(const NodeEvent& event) const {
  if (options_.on_event) options_.on_event(event);
}

void OverlayNode::retry_join(error_code why) {
  if (stopping_ || chord_.state() != topology::Chord::State::joining) return;
  // The ring may be changing under the join (another peer joining next to us): try again
  // shortly, through whatever links there are, with a fresh Attach.
  log(fmt::format("join attempt failed ({}); retrying", why.message()));
  auto t = std::make_shared<asio::steady_timer>(ex_, std::chrono::milliseconds(500 + random_() % 1000));
  t->async_wait([self = shared_from_this(), t](error_code ec) {
    if (ec || self->stopping_ || self->chord_.state() != topology::Chord::State::joining) return;
    self->chord_.join(Clock::now());
    self->run_effects();
  });
}

// ---------------------------------------------------------------- receiving

void OverlayNode::on_link_message(transport::Link& link, wire::Bytes message) {
  auto peer_it = link_peers_.find(&link);
  if (peer_it == link_peers_.end()) return;
  const NodeId previous_hop = peer_it->second.id;  // a copy: handlers below may change the links
  wire::DecodeError detail;
  auto h = wire::peek_header(message, &detail);
  if (!h) {
    // Not RELOAD, or broken: nothing to answer to. A peer that sends garbage loses its link.
    log(fmt::format("unreadable message from {}: {}; closing the link", short_id(previous_hop), detail.message()));
    link.close(make_error_code(codec_errc::invalid_value));
    return;
  }
  auto d = decide(*h, policy_, *this);
  if (auto* f = std::get_if<decision::Forward>(&d)) {
    auto next = links_.find(f->next_hop);
    if (next == links_.end()) return;
    if (auto ec = wire::rewrite_header(message, *h, wire::ForwardEdit{f->pop, peer_it->second.as_via, true},
                                       forward_buffer_)) {
      answer_error(*h, message, previous_hop, errc::ttl_exceeded, "TTL exhausted");
      return;
    }
    if (forward_buffer_.size() > policy_.max_message_size) {
      // The via list grew it past what the next peer accepts.
      answer_error(*h, message, previous_hop, errc::message_too_large, "larger than max-message-size once forwarded");
      return;
    }
    next->second->send(forward_buffer_);
    return;
  }
  if (auto* r = std::get_if<decision::Reject>(&d)) {
    answer_error(*h, message, previous_hop, r->error, r->reason);
    return;
  }
  if (std::holds_alternative<decision::Drop>(d)) return;
  if (!h->is_whole()) {
    error_code ec;
    auto whole = reassembler_.add(message, Clock::now(), ec);
    if (ec) {
      log(fmt::format("fragment from {} refused: {}", short_id(previous_hop), ec.message()));
      // Only the first fragment tells a request from a response (its message code).
      if (ec == codec_errc::reassembly_limit && (h->fragment & wire::fragment_offset_mask) == 0)
        answer_error(*h, message, previous_hop, errc::message_too_large, "larger than max-message-size reassembled");
    }
    if (whole) deliver_locally(*whole, previous_hop);
    return;
  }
  deliver_locally(message, previous_hop);
}

void OverlayNode::deliver_locally(wire::Bytes bytes, const NodeId& previous_hop) {
  wire::DecodeError detail;
  auto m = wire::decode_message(bytes, codec_, &detail);
  if (!m) {
    log(fmt::format("undecodable message from {}: {}", short_id(previous_hop), detail.message()));
    auto h = wire::peek_header(bytes);
    if (h) answer_error(*h, bytes, previous_hop, errc::invalid_message, detail.message());
    return;
  }
  const std::uint16_t code = m->contents.message_code;
  if (wire::is_request(code)) {
    bool config_update = code == static_cast<std::uint16_t>(wire::MessageCode::config_update_req);
    if (auto e = check_configuration_sequence(m->header.configuration_sequence,
                                              options_.configuration.sequence.value_or(0), config_update)) {
      answer_error(*m, previous_hop, *e, "configuration sequence differs");
      return;
    }
  }
  auto signer = crypto::verify_message(*m, trust_);
  if (!signer) {
    log(fmt::format("bad signature from {} ({})", short_id(previous_hop), signer.error().message()));
    if (wire::is_request(code)) answer_error(*m, previous_hop, errc::forbidden, "signature does not verify");
    return;
  }
  NodeId sender = signer->node_id;
  if (sender.empty()) {
    auto ids = signer->certificate.node_ids(options_.configuration.instance_name);
    if (!ids.empty()) sender = ids.front();
  }
  if (options_.configuration.is_bad_node(sender)) return;
  if (wire::is_request(code)) handle_request(*m, *signer, sender, previous_hop);
  else handle_response(*m, sender);
}

void OverlayNode::handle_response(const wire::Message& m, const NodeId& sender) {
  std::optional<errc> error;
  if (m.contents.message_code == static_cast<std::uint16_t>(wire::MessageCode::error)) {
    auto e = wire::decode_exact<wire::ErrorResponse>(m.contents.message_body, codec_);
    error = e && errc_name(e->error_code) ? static_cast<errc>(e->error_code) : errc::invalid_message;
  }
  RequestTable::Verdict verdict;
  auto done = requests_.take_answer(m.header.transaction_id, sender, error && is_forwarding_error(*error), *this,
                                    verdict);
  if (verdict == RequestTable::Verdict::wrong_responder)
    log(fmt::format("refused an answer ({}) from {}: not the peer that was asked",
                    wire::message_code_name(m.contents.message_code), short_id(sender)));
  if (!done) return;  // late, duplicate, not ours, or from the wrong peer
  if (error) return done(make_error_code(*error));
  done(Response{&m, sender});
}

void OverlayNode::handle_request(const wire::Message& m, const crypto::VerifiedSigner& signer,
                                 const NodeId& sender, const NodeId& previous_hop) {
  auto* handler = methods_.find(m.contents.message_code);
  if (!handler) {
    // ConfigUpdate comes with the configuration work; until then it is refused, never
    // silently dropped.
    answer_error(m, previous_hop, errc::forbidden, "this node does not serve that method");
    return;
  }
  const auto now = Clock::now();
  // A Store must not be carried out twice: a retransmission gets the first reply again.
  const bool once = m.contents.message_code == static_cast<std::uint16_t>(wire::MessageCode::store_req);
  if (once) {
    if (const auto* earlier = recent_answers_.find(sender, m.header.transaction_id, now)) {
      send_reply(m, previous_hop, *earlier);
      return;
    }
  }
  auto reply = handler->handle(IncomingRequest{m, signer, sender, previous_hop, now});
  send_reply(m, previous_hop, reply);
  if (once) recent_answers_.remember(sender, m.header.transaction_id, std::move(reply), now);
  run_effects();  // what the handler set in motion (Chord's messages, new values' expiry)
  // The replicas of an answered Store go out from the timer loop, a little later
  // (StorageService::replication_delay).
  if (storage_.replication_due()) reschedule();
}

void OverlayNode::send_reply(const wire::Message& request, const NodeId& previous_hop, const Reply& reply) {
  if (const auto* a = std::get_if<Answer>(&reply)) {
    answer(request, previous_hop, a->code, a->body, a->certificates);
  } else if (const auto* refusal = std::get_if<Refusal>(&reply)) {
    answer(request, previous_hop, wire::MessageCode::error, error_body(refusal->code, refusal->error_info));
  }  // Deferred: the handler holds a reply_later()
}

OverlayNode::ReplyLater OverlayNode::reply_later(const wire::Message& request, const NodeId& previous_hop) {
  // The header may point into the received message: it is kept encoded.
  auto encoded = wire::encode_to_buffer(request.header);  // it was decoded: it encodes
  return [weak = weak_from_this(), header = encoded ? std::move(*encoded) : wire::Buffer{}, previous_hop](const Reply& reply) {
    auto self = weak.lock();
    if (!self || self->stopping_) return;
    wire::Message shell;
    if (auto h = wire::decode_exact<wire::ForwardingHeader>(header, self->codec_)) {
      shell.header = std::move(*h);
      self->send_reply(shell, previous_hop, reply);
    }
  };
}

// ---------------------------------------------------------------- effects and time

void OverlayNode::run_effects() {
  drain_effects();
  reschedule();
}

void OverlayNode::drain_effects() {
  bool neighbors_moved = false;
  for (;;) {
    auto effects = chord_.take_effects();
    if (effects.empty()) break;
    for (auto& e : effects) {
      if (auto* a = std::get_if<effect::AttachToPeer>(&e)) {
        wire::DestinationList to;
        if (a->via) to.emplace_back(*a->via);
        to.emplace_back(a->peer);
        send_attach(std::move(to), topology::AttachPurpose::neighbor, a->peer, false);
      } else if (auto* k = std::get_if<effect::AttachToKey>(&e)) {
        wire::DestinationList to;
        if (k->via) to.emplace_back(*k->via);
        to.emplace_back(wire::ResourceId(k->key.bytes()));
        send_attach(std::move(to), k->purpose, std::nullopt, k->send_update);
      } else if (auto* j = std::get_if<effect::SendJoin>(&e)) {
        wire::JoinReq req{self(), {}};
        request({j->to}, wire::MessageCode::join_req, wire::encode_to_buffer(req).value(),
                [self = shared_from_this(), ap = j->to](boost::system::result<Response> r) {
                  if (!r) {
                    self->log(fmt::format("join refused by {}: {}", short_id(ap), r.error().message()));
                    self->retry_join(r.error());
                    return;
                  }
                  self->chord_.on_join_answer(ap, Clock::now());
                  self->run_effects();
                });
      } else if (auto* u = std::get_if<effect::SendUpdate>(&e)) {
        request({u->to}, wire::MessageCode::update_req, wire::encode_to_buffer(u->update).value(),
                [](auto) {});
      } else if (auto* l = std::get_if<effect::SendLeave>(&e)) {
        wire::LeaveReq req{self(), {}};
        auto data = wire::encode_to_buffer(l->data).value();
        req.overlay_specific_data = data;
        request({l->to}, wire::MessageCode::leave_req, wire::encode_to_buffer(req).value(), [](auto) {});
      } else if (std::holds_alternative<effect::Joined>(e)) {
        log("joined");
        tell({.type = NodeEvent::Type::joined});
      } else if (std::holds_alternative<effect::SuccessorsChanged>(e) ||
                 std::holds_alternative<effect::ResponsibilityChanged>(e) ||
                 std::holds_alternative<effect::PredecessorsChanged>(e)) {
        neighbors_moved = true;
      }
    }
  }
  if (chord_.admitted() && chord_.state() == topology::Chord::State::joined && !admitted_reported_) {
    admitted_reported_ = true;
    log("in the ring: admitted");
  }
  storage_.hold_replication(!chord_.admitted());
  if (neighbors_moved) {
    last_neighbor_change_ = Clock::now();
    if (chord_.state() == topology::Chord::State::joined) storage_.on_ring_changed(chord_.neighbors(), Clock::now());
    stable_reported_ = false;
    const auto& n = chord_.neighbors();
    log(fmt::format("neighbors: predecessor {} successor {}",
                    n.predecessors().empty() ? "-" : short_id(n.predecessors().front()),
                    n.successors().empty() ? "-" : short_id(n.successors().front())));
    tell({.type = NodeEvent::Type::neighbors_changed});
  }
}

// The timer loop recomputes its deadline whenever it wakes; new work wakes it.
void OverlayNode::reschedule() { timer_.cancel(); }

asio::awaitable<void> OverlayNode::timer_loop() {
  auto self = shared_from_this();
  while (!stopping_) {
    auto now = Clock::now();
    TimePoint next = chord_.periodic(now);
    RequestTable::Due due;
    requests_.periodic(now, due);
    for (auto& r : due.resend) send_toward(r.encoded, r.first);
    for (auto& done : due.failed) done(make_error_code(errc::request_timeout));
    for (const auto& peer : attaches_.expire(now)) {
      log(fmt::format("{} answered an Attach but never connected", short_id(peer)));
      chord_.on_attach_failed(peer, now);
    }
    if (auto t = attaches_.next_deadline()) next = std::min(next, *t);
    for (const auto& joiner : admissions_.expire(now)) {
      log(fmt::format("admitting {} before all its data was answered", short_id(joiner)));
      chord_.on_join_request(joiner, now);
    }
    if (auto t = admissions_.next_deadline()) next = std::min(next, *t);
    if (auto t = reassembler_.expire(now)) next = std::min(next, *t);
    storage_.expire(now);
    if (auto t = storage_.next_expiry()) next = std::min(next, *t);
    if (auto t = storage_.periodic(now)) next = std::min(next, *t);
    if (!stable_reported_ && chord_.state() == topology::Chord::State::joined) {
      if (now - last_neighbor_change_ >= ring_quiet_period) {
        stable_reported_ = true;
        const auto& n = chord_.neighbors();
        log(fmt::format("ring stable: predecessor {} successor {}, unchanged for {} s",
                        n.predecessors().empty() ? "-" : short_id(n.predecessors().front()),
                        n.successors().empty() ? "-" : short_id(n.successors().front()),
                        std::chrono::duration_cast<std::chrono::seconds>(ring_quiet_period).count()));
      } else {
        next = std::min(next, last_neighbor_change_ + ring_quiet_period);
      }
    }
    drain_effects();  // Updates and finger searches of the periodic work go out now
    // Admitted just now (Chord's periodic work): the replication held until then is due.
    if (storage_.replication_due()) next = std::min(next, now + StorageService::replication_delay);
    // Requests just sent have deadlines of their own.
    if (auto t = requests_.next_deadline()) next = std::min(next, *t);
    timer_.expires_at(next);
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace reload::node
