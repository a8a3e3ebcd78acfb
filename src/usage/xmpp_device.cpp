#include "usage/xmpp_device.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "crypto/random.hpp"
#include "xmpp/device_mesh.hpp"
#include "xmpp/stanza_envelope.hpp"
#include "xmpp/stanza_error.hpp"
#include "xmpp/stanza_rendering.hpp"
#include "xmpp/stream_acceptor.hpp"
#include "xmpp/xmpp_tls_identity.hpp"

namespace reload::usage {

using boost::system::error_code;
namespace asio = boost::asio;

namespace {

constexpr std::uint16_t xmpp_application = 5222;  // XEP-0415 section 6.1
// Lookups of a user with stanzas waiting, 125 ms apart doubling to 8 s (about 16 s in all)
// before they are undeliverable. A record is usually missing for tens of milliseconds (a
// peer that just became responsible for it, a Store still on its way), so the first look
// again comes soon: starting at 1 s made most first messages in such a case take a second.
constexpr unsigned lookup_attempts = 8;
constexpr std::chrono::milliseconds first_lookup_retry{125};

// XEP-0359 origin-ids: 128 random bits in hex, unique for the user.
std::string random_origin_id() {
  std::array<std::uint8_t, 16> bytes{};
  if (!crypto::fill_random(bytes)) throw std::runtime_error("no random bytes for an origin-id");
  return wire::to_hex(bytes);
}

}  // namespace

boost::system::result<std::shared_ptr<XmppDevice>> XmppDevice::create(std::shared_ptr<node::OverlayNode> node,
                                                                     const crypto::Certificate& certificate,
                                                                     std::string_view resource,
                                                                     XmppDeviceOptions options,
                                                                     XmppDeviceHandlers handlers) {
  auto user = xmpp::certificate_jid(certificate);
  if (!user) return user.error();
  auto self = user->with_resource(resource);
  if (!self) return self.error();
  return std::make_shared<XmppDevice>(std::move(node), std::move(*self), std::move(options), std::move(handlers));
}

XmppDevice::XmppDevice(std::shared_ptr<node::OverlayNode> node, xmpp::Jid self,
                       XmppDeviceOptions options, XmppDeviceHandlers handlers)
    : node_(std::move(node)),
      self_(std::move(self)),
      options_(std::move(options)),
      handlers_(std::move(handlers)),
      keeper_(std::make_shared<LocationKeeper>(node_, self_, options_.location)),
      mesh_timer_(node_->executor()),
      router_(xmpp::StanzaAddress{self_.bare_string(), self_.resourcepart().value_or("")},
              &random_origin_id),
      own_address_(self_.to_string()),
      backoff_(options_.backoff) {}

void XmppDevice::say(const std::string& line) const {
  if (handlers_.log) handlers_.log(fmt::format("{} {}", self_.to_string(), line));
}

void XmppDevice::start() {
  auto weak = weak_from_this();
  keeper_->start([weak](error_code ec) {
    if (auto self = weak.lock(); self && ec) self->say(fmt::format("storing the location failed: {}", ec.message()));
  });
  node_->listen(xmpp_application, [weak](node::AppStream stream) {
    if (auto self = weak.lock()) self->accept(std::move(stream));
  });
  tend_mesh();
}

void XmppDevice::tend_mesh() {
  if (stopped_) return;
  dial_user(self_.bare());  // section 6.1: every device of our own user
  keep_within_budget();
  mesh_round_by(std::chrono::steady_clock::now() + options_.mesh_interval);
}

void XmppDevice::mesh_round_by(std::chrono::steady_clock::time_point when) {
  if (stopped_) return;
  // Sooner only: a round already due earlier stays.
  const auto due = mesh_timer_.expiry();
  if (due > std::chrono::steady_clock::now() && due <= when) return;
  mesh_timer_.expires_at(when);
  mesh_timer_.async_wait([weak = weak_from_this()](error_code ec) {
    if (auto self = weak.lock(); self && !ec) self->tend_mesh();
  });
}

XmppDevice::~XmppDevice() {
  for (auto& s : streams_) s.session->detach();
}

void XmppDevice::stop(std::function<void()> done) {
  stopped_ = true;
  mesh_timer_.cancel();
  node_->stop_listening(xmpp_application);
  for (auto& s : streams_) s.session->close();
  for (auto& [user, stanzas] : waiting_)
    for (auto& stanza : stanzas)
      if (handlers_.on_undeliverable) handlers_.on_undeliverable(stanza, asio::error::operation_aborted);
  waiting_.clear();  // the client is going: no stanza error for it
  for (auto& [device, held] : held_)
    for (auto& stanza : held.stanzas)
      if (handlers_.on_undeliverable) handlers_.on_undeliverable(stanza, asio::error::operation_aborted);
  held_.clear();
  keeper_->stop([done = std::move(done)](error_code) {
    if (done) done();
  });
}

void XmppDevice::abandon() {
  stopped_ = true;
  mesh_timer_.cancel();
  node_->stop_listening(xmpp_application);
  keeper_->abandon();
  waiting_.clear();
  held_.clear();
  auto streams = std::move(streams_);
  streams_.clear();
  // Nothing of the device is called any more: it may be gone before the aborts complete.
  for (auto& s : streams) {
    s.session->detach();
    s.session->abort();
  }
}

std::map<std::string, std::size_t> XmppDevice::connected() const {
  std::map<std::string, std::size_t> out;
  for (const auto& [id, link] : router_.links()) ++out[link.bare_jid];
  return out;
}

boost::system::error_code XmppDevice::send(xmpp::Element stanza) {
  if (stopped_) return asio::error::operation_aborted;
  // Written as the router reads it (from this device, RFC 6120 section 8.1.2.1; a message
  // with an origin-id), so that it goes on the streams as it is instead of as a copy.
  stanza.set_attribute("from", own_address_);
  if (stanza.is(xmpp::ns::client, "message") && !stanza.child(xmpp::ns::sid, "origin-id"))
    stanza.add_child(std::string(xmpp::ns::sid), "origin-id")
        .set_attribute("id", random_origin_id());
  auto envelope = xmpp::envelope_of(std::make_shared<const xmpp::Element>(std::move(stanza)));
  if (!envelope) return envelope.error();
  const auto to = envelope->to;
  auto effects = router_.on_local_send(std::move(*envelope), xmpp::TimePoint::clock::now());
  // No device of the addressee is connected: dial them, and send when a stream opens.
  for (auto& effect : effects) {
    auto* dropped = std::get_if<xmpp::fanout::Dropped>(&effect);
    if (!dropped || dropped->reason != xmpp::fanout::DropReason::no_route || to.empty()) continue;
    auto& queue = waiting_[to.bare];
    if (queue.size() >= options_.max_waiting) return asio::error::no_buffer_space;
    queue.push_back(*xmpp::stanza_element(*dropped->stanza));
    // Its devices are being dialled already: the stanza waits for those streams, and is not
    // worth one more Fetch each.
    if (auto user = xmpp::Jid::parse(to.bare); user && !dials_to_.contains(user->bare_string())) dial_user(*user);
    effect = xmpp::fanout::Dropped{xmpp::fanout::DropReason::no_route, nullptr};  // held, not lost
  }
  apply(std::move(effects));
  return {};
}

void XmppDevice::dial_user(const xmpp::Jid& user, unsigned attempt) {
  const auto bare = user.bare_string();
  if (stopped_ || (attempt == 0 && !looking_up_.insert(bare).second)) return;
  lookup_user(*node_, user, {}, [self = shared_from_this(), user, bare, attempt](boost::system::result<LookupResult> r) {
    if (self->stopped_) return;
    if (!r) {
      // A record may be missing for a moment while the ring around it changes (a new peer
      // responsible for it before the data reached it): when stanzas wait, look again.
      if (self->waiting_.contains(bare) && attempt + 1 < lookup_attempts) {
        auto retry = std::make_shared<asio::steady_timer>(self->node_->executor(), first_lookup_retry * (1 << attempt));
        retry->async_wait([self, retry, user, attempt](error_code ec) {
          if (!ec) self->dial_user(user, attempt + 1);
        });
        return;
      }
      self->looking_up_.erase(bare);
      // Our own user with no other device is the usual case, not news.
      const bool own = bare == self->self_.bare_string();
      if (!own || r.error() != lookup_errc::no_location)
        self->say(fmt::format("lookup of {}: {}", bare, r.error().message()));
      return self->give_up_waiting(bare, r.error());
    }
    self->looking_up_.erase(bare);
    if (bare != self->self_.bare_string())
      self->say(fmt::format("lookup of {}: {} device(s)", bare, r->devices.size()));
    std::vector<RouteLocation> due;  // by ascending priority, as the lookup gives them
    bool held_back = false;
    const auto now = std::chrono::steady_clock::now();
    for (const auto& device : r->devices) {
      if (device.device == self->node_->self()) continue;
      if (!self->backoff_.may_dial(device.device, now)) {
        held_back = true;  // failed lately: a later round or stanza tries it again
        continue;
      }
      due.push_back(device);
    }
    if (due.empty())
      return self->give_up_waiting(bare, held_back ? make_error_code(boost::system::errc::resource_unavailable_try_again)
                                                   : make_error_code(lookup_errc::no_location));
    if (self->options_.dial_in_order) {
      auto& queue = self->in_order_[bare];
      queue.insert(queue.end(), due.begin(), due.end());
      if (!self->dials_to_.contains(bare)) self->dial_next_in_order(bare);
      return;
    }
    for (const auto& device : due) self->dial_device(device, bare);
  });
}

void XmppDevice::dial_next_in_order(const std::string& user) {
  auto it = in_order_.find(user);
  if (it == in_order_.end()) return;
  auto& queue = it->second;
  while (!queue.empty()) {
    const auto next = queue.front();
    queue.erase(queue.begin());
    if (dial_device(next, user)) break;  // one at a time: the next when this one is over
  }
  if (queue.empty()) in_order_.erase(it);
}

bool XmppDevice::dial_device(const RouteLocation& device, const std::string& expected_user) {
  auto stream = std::find_if(streams_.begin(), streams_.end(), [&](const Stream& s) { return s.device == device.device; });
  // Open: what waits goes now. Opening: it goes when the stream opens (on_stream_open).
  priority_of_[device.device] = device.priority;
  if (stream != streams_.end()) {
    if (stream->link) flush_waiting(expected_user);
    return false;
  }
  if (!dialling_.insert(device.device).second) return false;
  ++dials_to_[expected_user];
  node_->async_app_attach(device.device, xmpp_application,
                          [self = shared_from_this(), device = device.device, expected_user](error_code ec,
                                                                                            node::AppStream stream) {
                            if (!ec && !self->stopped_) self->adopt(std::move(stream), true, expected_user);
                            self->dial_done(device, expected_user, ec);
                          });
  return true;
}

void XmppDevice::dial_done(const wire::NodeId& device, const std::string& user, error_code ec) {
  dialling_.erase(device);
  if (auto it = dials_to_.find(user); it != dials_to_.end() && --it->second == 0) dials_to_.erase(it);
  if (stopped_) return;
  if (ec) {
    const auto now = std::chrono::steady_clock::now();
    // Every failure holds the device back, "no route" too: that is a device that joined a
    // moment ago (and is tried again in a second) or one whose peer is gone for good (and
    // each stanza would cost another lookup).
    backoff_.failed(device, now);
    say(fmt::format("AppAttach to {} of {}: {}", node::short_id(device), user, ec.message()));
    give_up_held(device, ec);
    // Our own user's device: tried again as soon as its wait is over (section 6.1, strive
    // to keep a stream to each), not only at the next regular round.
    if (user == self_.bare_string()) mesh_round_by(backoff_.next_dial(device, now));
  }
  dial_next_in_order(user);
  // What waits goes with the first stream; when the last dial failed and no stream to the
  // user is open or opening, it has none.
  if (ec && !has_way_to(user)) give_up_waiting(user, ec);
}

void XmppDevice::accept(node::AppStream stream) {
  if (stopped_) return;
  adopt(std::move(stream), false, {});
}

void XmppDevice::adopt(node::AppStream app, bool we_dialled, const std::string& expected_user) {
  auto peer = app.identity ? xmpp::stream_peer_of(std::move(*app.identity))
                           : boost::system::result<xmpp::StreamPeer>(make_error_code(xmpp::xmpp_tls_errc::no_xmpp_address));
  if (!peer || (we_dialled && peer->jid.bare_string() != expected_user)) {
    // XEP-0415 section 6.1: not the user looked up. Closed before any XMPP byte.
    say(fmt::format("stream to {} refused: {}", node::short_id(app.peer),
                    peer ? fmt::format("its certificate is {}'s, not {}'s", peer->jid.bare_string(), expected_user)
                         : peer.error().message()));
    app.socket->close();
    if (we_dialled) give_up_waiting(expected_user, make_error_code(xmpp::xmpp_tls_errc::no_xmpp_address));
    return;
  }
  auto id = we_dialled ? boost::system::result<std::string>(std::string()) : xmpp::random_stream_id();
  if (!id) {
    app.socket->close();
    return;
  }
  xmpp::PeerStreamSettings settings = options_.stream.stream;
  // The dialler speaks first, as a client to a server (RFC 6120 section 4.2).
  settings.role = we_dialled ? xmpp::StreamRole::initiator : xmpp::StreamRole::receiver;
  settings.own_jid = self_.bare_string();
  settings.peer_jid = peer->jid.bare_string();
  settings.stream_id = std::move(*id);
  auto session = std::make_shared<xmpp::StreamSession>(std::move(*app.socket), std::move(*peer), std::move(settings),
                                                       options_.stream.shutdown_timeout);
  streams_.push_back(Stream{session, app.peer, we_dialled, 0, false, app.pair});
  session->start(*this);
}

bool XmppDevice::has_way_to(const std::string& user) const {
  return dials_to_.contains(user) || std::any_of(streams_.begin(), streams_.end(), [&](const Stream& s) {
           return !s.retired && s.session->peer_jid().bare_string() == user;
         });
}

XmppDevice::Stream* XmppDevice::stream_of(const xmpp::StreamSession& session) {
  auto it = std::find_if(streams_.begin(), streams_.end(), [&](const Stream& s) { return s.session.get() == &session; });
  return it == streams_.end() ? nullptr : &*it;
}

void XmppDevice::on_stream_open(xmpp::StreamSession& session) {
  auto* stream = stream_of(session);
  if (!stream) return;
  // Both ends dialled at once: keep the stream dialled by the smaller Node-ID, as both ends
  // decide alike. The router's link stays the same; the other stream retires, and what is
  // already on its way on it is still taken (both ends may have sent on it before deciding).
  for (auto& other : streams_) {
    if (&other == stream || other.device != stream->device || other.link == 0 || other.retired) continue;
    const bool keep_new = stream->we_dialled ? node_->self() < stream->device : stream->device < node_->self();
    Stream& loser = keep_new ? other : *stream;
    stream->link = other.link;
    loser.retired = true;
    loser.session->close();
    return;
  }
  stream->link = next_link_++;
  backoff_.opened(stream->device, std::chrono::steady_clock::now());
  xmpp::DeviceLink link;
  link.id = stream->link;
  link.bare_jid = session.peer_jid().bare_string();
  link.node_id = stream->device.hex();
  router_.on_link_up(link);
  say(fmt::format("stream {} {} ({}) open", stream->we_dialled ? "to" : "from", link.bare_jid,
                  node::short_id(stream->device)));
  if (handlers_.on_device) handlers_.on_device({link.bare_jid, stream->device, true, stream->pair});
  release_held(stream->device, session);
  flush_waiting(link.bare_jid);
  keep_within_budget();
}

void XmppDevice::hold_for_device(const Stream& stream, xmpp::Element stanza) {
  auto& held = held_[stream.device];
  held.user = stream.session->peer_jid().bare_string();
  if (held.stanzas.size() >= options_.max_waiting) return undeliverable(stanza, make_error_code(std::errc::no_buffer_space));
  held.stanzas.push_back(std::move(stanza));
}

void XmppDevice::release_held(const wire::NodeId& device, xmpp::StreamSession& session) {
  auto it = held_.find(device);
  if (it == held_.end()) return;
  auto held = std::move(it->second);
  held_.erase(it);
  for (auto& stanza : held.stanzas)
    if (auto ec = session.send(stanza)) undeliverable(stanza, ec);
}

void XmppDevice::give_up_held(const wire::NodeId& device, error_code why) {
  auto it = held_.find(device);
  if (it == held_.end()) return;
  auto held = std::move(it->second);
  held_.erase(it);
  for (const auto& stanza : held.stanzas) undeliverable(stanza, why);
}

void XmppDevice::keep_within_budget() {
  if (streams_.size() <= options_.link_budget) return;
  std::vector<xmpp::DeviceLink> links;
  for (const auto& s : streams_) {
    if (!s.link || s.retired) continue;
    xmpp::DeviceLink l;
    l.id = s.link;
    l.bare_jid = s.session->peer_jid().bare_string();
    l.node_id = s.device.hex();
    auto p = priority_of_.find(s.device);
    if (p != priority_of_.end()) l.priority = p->second;
    links.push_back(std::move(l));
  }
  // Our own devices are never closed for the budget, so their records do not matter here.
  const auto plan = xmpp::plan_device_mesh(self_.bare_string(), node_->self().hex(), links, {}, options_.link_budget);
  const auto idle_since = std::chrono::steady_clock::now() - options_.idle_after;
  for (const auto id : plan.close)
    for (auto& s : streams_)
      if (s.link == id && !s.retired && s.active <= idle_since) {
        say(fmt::format("stream with {} ({}) closed: over the link budget of {}", s.session->peer_jid().bare_string(),
                        node::short_id(s.device), options_.link_budget));
        s.session->close();
      }
}

void XmppDevice::on_stanza(xmpp::StreamSession& session, xmpp::Element&& stanza) {
  // The program's handler runs inside and may stop or drop the device.
  const auto keep = shared_from_this();
  auto* stream = stream_of(session);
  if (!stream || stream->link == 0) return;
  stream->active = std::chrono::steady_clock::now();
  auto envelope = xmpp::envelope_of(std::make_shared<const xmpp::Element>(std::move(stanza)));
  if (!envelope) {
    say(fmt::format("a stanza from {} dropped: {}", session.peer_jid().bare_string(), envelope.error().message()));
    return;
  }
  apply(router_.on_stanza_received(stream->link, std::move(*envelope), xmpp::TimePoint::clock::now()));
}

void XmppDevice::on_stream_closed(xmpp::StreamSession& session, const xmpp::stream_event::Closed& why) {
  auto it = std::find_if(streams_.begin(), streams_.end(), [&](const Stream& s) { return s.session.get() == &session; });
  if (it == streams_.end()) return;
  std::optional<DeviceChange> change;
  if (it->link && !it->retired) {
    router_.on_link_down(it->link);
    say(fmt::format("stream with {} ({}) closed: {}", session.peer_jid().bare_string(), node::short_id(it->device),
                    xmpp::close_reason_name(why.reason)));
    change = DeviceChange{session.peer_jid().bare_string(), it->device, false, it->pair};
  }
  const wire::NodeId device = it->device;
  const std::string user = it->session->peer_jid().bare_string();
  const bool opened = it->link != 0;
  streams_.erase(it);
  if (change && handlers_.on_device) handlers_.on_device(*change);
  if (stopped_) return;
  const auto now = std::chrono::steady_clock::now();
  // A stream that broke (not closed in good order, as an idle one is) waits before it is
  // dialled again; one of our own user's devices is dialled again then, whatever closed it.
  const bool broke = why.reason != xmpp::CloseReason::clean;
  if (change && (broke || user == self_.bare_string())) backoff_.dropped(device, now);
  if (change && user == self_.bare_string()) mesh_round_by(backoff_.next_dial(device, now));
  // A stream that never opened took nothing waiting for its user; with no other way to the
  // user left, that waits no longer.
  if (!opened && !has_way_to(user)) give_up_waiting(user, make_error_code(boost::system::errc::connection_aborted));
  // Stanzas held for this device go on a new stream, unless another one is open already.
  if (auto held = held_.find(device); held != held_.end()) {
    auto open = std::find_if(streams_.begin(), streams_.end(),
                             [&](const Stream& s) { return s.device == device && s.link && !s.retired; });
    if (open != streams_.end()) return release_held(device, *open->session);
    if (++held->second.redials > 2) return give_up_held(device, make_error_code(std::errc::connection_reset));
    const auto p = priority_of_.find(device);
    dial_device(RouteLocation{device, {device}, p != priority_of_.end() ? p->second : std::uint8_t{255}},
                held->second.user);
  }
}

void XmppDevice::apply(std::vector<xmpp::fanout::Effect> effects) {
  for (auto& effect : effects) {
    if (auto* send = std::get_if<xmpp::fanout::SendTo>(&effect)) {
      const auto link = router_.links().find(send->link);
      auto stream = std::find_if(streams_.begin(), streams_.end(),
                                 [&](const Stream& s) { return s.link == send->link && !s.retired; });
      if (link == router_.links().end() || stream == streams_.end()) continue;
      auto element = xmpp::render_send(*send, router_.self(), link->second);
      if (!element) continue;
      stream->active = std::chrono::steady_clock::now();
      if (auto ec = stream->session->send(**element)) {
        say(fmt::format("a stanza to {} not sent: {}", link->second.bare_jid, ec.message()));
        // A copy (a carbon) is not worth a new stream; the original is.
        if (send->wrapping == xmpp::fanout::Wrapping::as_is) hold_for_device(*stream, **element);
      }
    } else if (auto* deliver = std::get_if<xmpp::fanout::DeliverLocally>(&effect)) {
      auto element = xmpp::render_delivery(*deliver, router_.self());
      if (element && handlers_.on_stanza) handlers_.on_stanza(**element, deliver->stanza.get());
    } else if (auto* dropped = std::get_if<xmpp::fanout::Dropped>(&effect)) {
      if (dropped->stanza && dropped->reason != xmpp::fanout::DropReason::duplicate)
        say(fmt::format("a stanza dropped: {}", xmpp::fanout::to_string(dropped->reason)));
    }
  }
}

void XmppDevice::flush_waiting(const std::string& user) {
  auto it = waiting_.find(user);
  if (it == waiting_.end()) return;
  auto stanzas = std::move(it->second);
  waiting_.erase(it);
  for (auto& stanza : stanzas) {
    auto envelope = xmpp::envelope_of(std::make_shared<const xmpp::Element>(std::move(stanza)));
    if (!envelope) continue;
    auto effects = router_.on_local_send(std::move(*envelope), xmpp::TimePoint::clock::now());
    // Still no route with a stream to the user open (a full JID of a device not linked):
    // not waited for again, or it would go round lookups for ever.
    for (auto& effect : effects) {
      auto* dropped = std::get_if<xmpp::fanout::Dropped>(&effect);
      if (!dropped || dropped->reason != xmpp::fanout::DropReason::no_route || !dropped->stanza) continue;
      if (auto element = xmpp::stanza_element(*dropped->stanza))
        undeliverable(*element, make_error_code(boost::system::errc::host_unreachable));
      effect = xmpp::fanout::Dropped{xmpp::fanout::DropReason::no_route, nullptr};
    }
    apply(std::move(effects));
  }
}

void XmppDevice::give_up_waiting(const std::string& user, error_code why) {
  auto it = waiting_.find(user);
  if (it == waiting_.end()) return;
  auto stanzas = std::move(it->second);
  waiting_.erase(it);
  for (const auto& stanza : stanzas) undeliverable(stanza, why);
}

void XmppDevice::undeliverable(const xmpp::Element& stanza, error_code why) {
  if (handlers_.on_undeliverable && handlers_.on_undeliverable(stanza, why)) return;
  // The user has no location at all (or only forwards): as a server answers for an account
  // it does not know. Devices found but none reachable: the user is there, not now.
  const auto condition = why.category() == lookup_category() ? xmpp::StanzaErrorCondition::service_unavailable
                                                             : xmpp::StanzaErrorCondition::recipient_unavailable;
  if (auto error = xmpp::stanza_error(stanza, condition); error && handlers_.on_stanza)
    handlers_.on_stanza(*error, nullptr);
}

}  // namespace reload::usage
