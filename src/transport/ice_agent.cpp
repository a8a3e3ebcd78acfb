#include "transport/ice_agent.hpp"

#include <fcntl.h>

#include <boost/asio/post.hpp>
#include <nice/agent.h>

#include "transport/glib_loop.hpp"

namespace reload::transport {

namespace {
namespace errc = boost::system::errc;

wire::CandType cand_type(NiceCandidateType t) {
  switch (t) {
    case NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE: return wire::CandType::srflx;
    case NICE_CANDIDATE_TYPE_RELAYED: return wire::CandType::relay;
    default: return wire::CandType::host;  // host, or peer-reflexive: learned on a host path
  }
}
}  // namespace

// The C callbacks libnice calls on the loop's thread. Each only posts: some run inside
// nice_agent_gather_candidates or nice_agent_set_remote_candidates, that is inside a call of
// ours.
struct IceAgent::Signals {
  template <class F>
  static void later(IceAgent* self, F f) {
    asio::post(self->loop_.get_executor(), [alive = self->alive_, self, f = std::move(f)]() mutable {
      if (*alive) f(*self);
    });
  }
  static void gathering_done(NiceAgent*, guint, gpointer self) {
    later(static_cast<IceAgent*>(self), [](IceAgent& a) { a.on_gathering_done(); });
  }
  static void component_state(NiceAgent*, guint, guint, guint state, gpointer self) {
    later(static_cast<IceAgent*>(self), [state](IceAgent& a) { a.on_component_state(state); });
  }
  static void selected_pair(NiceAgent*, guint, guint, NiceCandidate* local, NiceCandidate* remote, gpointer self) {
    IceSelectedPair pair{cand_type(local->type), cand_type(remote->type),
                         local->transport != NICE_CANDIDATE_TRANSPORT_UDP};
    later(static_cast<IceAgent*>(self), [pair](IceAgent& a) { a.selected_ = pair; });
  }
  static void writable(NiceAgent*, guint, guint, gpointer self) {
    later(static_cast<IceAgent*>(self), [](IceAgent& a) {
      if (auto h = a.writable_handler_) h();  // a copy: the handler may replace itself
    });
  }
  static void received(NiceAgent*, guint, guint, guint len, gchar* buf, gpointer self) {
    std::vector<std::uint8_t> bytes(buf, buf + len);
    later(static_cast<IceAgent*>(self), [bytes = std::move(bytes)](IceAgent& a) mutable {
      if (auto h = a.receive_handler_) h(std::move(bytes));  // a copy: the handler may replace itself
    });
  }
};

IceAgent::IceAgent(GlibLoop& loop, bool reliable, wire::OverlayLinkType link)
    : loop_(loop), context_(g_main_context_ref(loop.context())), reliable_(reliable), link_(link) {}

std::shared_ptr<IceAgent> IceAgent::create(GlibLoop& loop, const IceAgentOptions& o, const IceCredentials& local,
                                           boost::system::error_code& ec) {
  std::shared_ptr<IceAgent> self(new IceAgent(loop, o.reliable, o.overlay_link));
  NiceAgent* agent = nice_agent_new_full(loop.context(), NICE_COMPATIBILITY_RFC5245,
                                         o.reliable ? NICE_AGENT_OPTION_RELIABLE : NICE_AGENT_OPTION_NONE);
  if (!agent) {
    ec = make_error_code(errc::not_enough_memory);
    return nullptr;
  }
  self->agent_ = agent;
  g_object_set(agent, "upnp", FALSE, "controlling-mode", o.controlling ? TRUE : FALSE, "ice-udp",
               o.ice_udp ? TRUE : FALSE, "ice-tcp", o.ice_tcp ? TRUE : FALSE, "stun-pacing-timer",
               static_cast<guint>(o.stun_pacing.count()), nullptr);
  // A reliable agent with ICE-TCP would otherwise run pseudo-TCP over the TCP flow.
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(agent), "bytestream-tcp"))
    g_object_set(agent, "bytestream-tcp", (o.reliable && o.ice_tcp) ? TRUE : FALSE, nullptr);
  // With a TURN server as well, libnice 0.1.21 drops the STUN server's answer (its RFC 3489
  // Binding request meets the TURN discovery first: "Incorrectly multiplexed STUN message")
  // and gathering waits 2 s for nothing; the TURN allocation gives the server-reflexive
  // candidate too.
  if (o.stun && !o.turn) {
    const std::string ip = o.stun->endpoint.address().to_string();
    g_object_set(agent, "stun-server", ip.c_str(), "stun-server-port", static_cast<guint>(o.stun->endpoint.port()),
                 nullptr);
  }
  for (const auto& a : o.local_addresses) {
    NiceAddress addr;
    nice_address_init(&addr);
    if (nice_address_set_from_string(&addr, a.to_string().c_str())) nice_agent_add_local_address(agent, &addr);
  }
  self->stream_ = nice_agent_add_stream(agent, 1);
  if (self->stream_ == 0 ||
      !nice_agent_set_local_credentials(agent, self->stream_, local.ufrag.c_str(), local.password.c_str())) {
    ec = make_error_code(errc::invalid_argument);
    return nullptr;
  }
  if (o.turn) {
    const std::string ip = o.turn->endpoint.address().to_string();
    nice_agent_set_relay_info(agent, self->stream_, 1, ip.c_str(), o.turn->endpoint.port(), o.turn->username.c_str(),
                              o.turn->password.c_str(), NICE_RELAY_TYPE_TURN_UDP);
  }
  g_signal_connect(agent, "candidate-gathering-done", G_CALLBACK(&Signals::gathering_done), self.get());
  g_signal_connect(agent, "component-state-changed", G_CALLBACK(&Signals::component_state), self.get());
  g_signal_connect(agent, "new-selected-pair-full", G_CALLBACK(&Signals::selected_pair), self.get());
  g_signal_connect(agent, "reliable-transport-writable", G_CALLBACK(&Signals::writable), self.get());
  nice_agent_attach_recv(agent, self->stream_, 1, loop.context(), &Signals::received, self.get());
  return self;
}

IceAgent::~IceAgent() {
  close();
  g_main_context_unref(context_);
}

void IceAgent::pause_receiving() {
  if (agent_) nice_agent_attach_recv(agent_, stream_, 1, context_, nullptr, nullptr);
}

void IceAgent::resume_receiving() {
  // libnice hands over what pseudo-TCP kept from inside this call: the handler posts it.
  if (agent_) nice_agent_attach_recv(agent_, stream_, 1, context_, &Signals::received, this);
}

void IceAgent::gather(GatheredHandler done) {
  gathered_handler_ = std::move(done);
  if (!nice_agent_gather_candidates(agent_, stream_)) {
    Signals::later(this, [](IceAgent& a) {
      if (auto h = std::exchange(a.gathered_handler_, nullptr)) h(make_error_code(errc::address_not_available), {});
    });
  }
}

void IceAgent::on_gathering_done() {
  auto done = std::exchange(gathered_handler_, nullptr);
  if (!done) return;
  IceCandidateList list;
  GSList* found = nice_agent_get_local_candidates(agent_, stream_, 1);
  for (GSList* i = found; i; i = i->next)
    if (auto c = to_wire(*static_cast<NiceCandidate*>(i->data), link_, list)) list.candidates.push_back(std::move(*c));
  g_slist_free_full(found, reinterpret_cast<GDestroyNotify>(&nice_candidate_free));
  if (list.candidates.empty()) {
    done(make_error_code(errc::address_not_available), std::move(list));
    return;
  }
  if (state_ == IceState::gathering) set_state(IceState::connecting);
  done({}, std::move(list));
}

bool IceAgent::set_remote(const IceCredentials& remote, const std::vector<wire::IceCandidate>& candidates) {
  if (!agent_) return false;
  if (!nice_agent_set_remote_credentials(agent_, stream_, remote.ufrag.c_str(), remote.password.c_str())) return false;
  GSList* list = nullptr;
  for (const auto& c : candidates)
    if (NiceCandidate* n = to_nice(c, stream_)) list = g_slist_prepend(list, n);
  if (!list) return false;
  list = g_slist_reverse(list);
  const int added = nice_agent_set_remote_candidates(agent_, stream_, 1, list);
  g_slist_free_full(list, reinterpret_cast<GDestroyNotify>(&nice_candidate_free));
  return added > 0;
}

void IceAgent::on_component_state(unsigned state) {
  switch (state) {
    case NICE_COMPONENT_STATE_CONNECTING: set_state(IceState::connecting); break;
    case NICE_COMPONENT_STATE_CONNECTED: set_state(IceState::connected); break;
    case NICE_COMPONENT_STATE_READY: set_state(IceState::ready); break;
    case NICE_COMPONENT_STATE_FAILED: set_state(IceState::failed); break;
    default: break;
  }
}

void IceAgent::set_state(IceState s) {
  if (s == state_ || state_ == IceState::failed) return;
  state_ = s;
  if (auto h = state_handler_) h(s);  // a copy: the handler may replace itself
}

std::size_t IceAgent::send(std::span<const std::uint8_t> bytes, boost::system::error_code& ec) {
  ec.clear();
  if (!agent_ || (state_ != IceState::connected && state_ != IceState::ready)) {
    ec = make_error_code(errc::not_connected);
    return 0;
  }
  const gint n = nice_agent_send(agent_, stream_, 1, static_cast<guint>(bytes.size()),
                                 reinterpret_cast<const gchar*>(bytes.data()));
  if (n < 0) {
    ec = make_error_code(reliable_ ? errc::operation_would_block : errc::no_buffer_space);
    return 0;
  }
  if (n == 0 && !bytes.empty()) ec = make_error_code(errc::operation_would_block);
  return static_cast<std::size_t>(n);
}

std::optional<TakenIceFlow> IceAgent::take_selected_flow() {
  if (!agent_ || reliable_) return std::nullopt;
  // NULL for a relayed or TCP pair: their datagrams are framed or wrapped by libnice.
  GSocket* socket = nice_agent_get_selected_socket(agent_, stream_, 1);
  if (!socket) return std::nullopt;
  std::optional<TakenIceFlow> taken;
  NiceCandidate* local = nullptr;
  NiceCandidate* remote = nullptr;
  if (nice_agent_get_selected_pair(agent_, stream_, 1, &local, &remote) && remote) {
    char ip[NICE_ADDRESS_STRING_LEN] = {};
    nice_address_to_string(&remote->addr, ip);
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(ip, ec);
    const int fd = ec ? -1 : fcntl(g_socket_get_fd(socket), F_DUPFD_CLOEXEC, 0);
    if (fd >= 0)
      taken = TakenIceFlow{fd, {address, static_cast<unsigned short>(nice_address_get_port(&remote->addr))}};
  }
  g_object_unref(socket);
  return taken;
}

void IceAgent::close() {
  if (!agent_) return;
  *alive_ = false;
  NiceAgent* agent = std::exchange(agent_, nullptr);
  g_signal_handlers_disconnect_matched(agent, G_SIGNAL_MATCH_DATA, 0, 0, nullptr, nullptr, this);
  nice_agent_attach_recv(agent, stream_, 1, context_, nullptr, nullptr);
  // The close task holds its own reference until TURN allocations are released.
  nice_agent_close_async(agent, nullptr, nullptr);
  g_object_unref(agent);
}

const char* to_string(IceState s) noexcept {
  switch (s) {
    case IceState::gathering: return "gathering";
    case IceState::connecting: return "connecting";
    case IceState::connected: return "connected";
    case IceState::ready: return "ready";
    case IceState::failed: return "failed";
  }
  return "?";
}

}  // namespace reload::transport
