#include "transport/ice_session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "transport/glib_loop.hpp"
#include "transport/handover_channel.hpp"
#include "transport/ice_channel.hpp"
#include "transport/ice_executor.hpp"
#include "transport/ice_flow_takeover.hpp"
#include "transport/pseudo_tcp_channel.hpp"
#include "wire/codec.hpp"

// g++ 12 at -O2 inlines Asio's coroutine-frame allocation next to its deallocation and then
// reports a mismatch that is not there.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace reload::transport {

namespace errc = boost::system::errc;
using boost::system::error_code;

// The state both threads reach. `agent` and `handed_over` belong to the ICE thread; the rest
// to the home executor, where the ICE thread only posts. The last reference is always let go
// on the home executor (the ICE executor must never be destroyed from its own thread).
struct IceSession::Shared : std::enable_shared_from_this<Shared> {
  Shared(std::shared_ptr<IceExecutor> i, asio::any_io_executor h) : ice(std::move(i)), home(std::move(h)), wake(home) {}

  std::shared_ptr<IceExecutor> ice;
  asio::any_io_executor home;
  // A byte stream over UDP: the agent carries datagrams and the node runs pseudo-TCP on them.
  bool stream_over_udp = false;
  // The agent carries datagrams (DTLS for Attach, pseudo-TCP for AppAttach): the flow is
  // taken out of libnice once ICE is ready (IceFlowTakeover).
  bool datagrams = false;
  bool controlling = false;
  IceCredentials local;
  // ICE thread.
  std::shared_ptr<IceAgent> agent;
  bool handed_over = false;  // the channel owns the agent now
  // Datagrams the peer sent before our pair was chosen (its checks may finish first): lost,
  // the first pseudo-TCP segment or DTLS flight would wait a whole second for its
  // retransmission. Bounded: the rest are dropped, as a full socket buffer drops them.
  std::vector<std::vector<std::uint8_t>> received_early;
  static constexpr std::size_t max_received_early = 64;
  // Home executor.
  asio::steady_timer wake;
  std::optional<error_code> gathered;
  IceCandidateList candidates;
  std::optional<error_code> connected;
  std::unique_ptr<ByteChannel> channel;
  std::optional<IceSelectedPair> pair;

  // Runs `f` on the home executor, then wakes the coroutine waiting there.
  template <class F>
  void back(F f) {
    asio::post(home, [self = shared_from_this(), f = std::move(f)]() mutable {
      f(*self);
      self->wake.cancel();
    });
  }

  // Waits on the home executor until `done()` holds or `deadline` passes.
  template <class Done>
  asio::awaitable<bool> wait(Done done, std::chrono::steady_clock::time_point deadline) {
    wake.expires_at(deadline);
    while (!done()) {
      error_code ec;
      co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (!ec) co_return done();  // the deadline passed
    }
    co_return true;
  }
};

asio::awaitable<boost::system::result<std::unique_ptr<IceSession>>> IceSession::gather(
    std::shared_ptr<IceExecutor> ice, IceAgentOptions options, IceCredentials local, std::chrono::milliseconds timeout) {
  auto shared = std::make_shared<Shared>(ice, co_await asio::this_coro::executor);
  std::unique_ptr<IceSession> session(new IceSession(shared));  // from here on its destructor closes the agent
  shared->stream_over_udp = options.reliable && !options.ice_tcp;
  shared->controlling = options.controlling;
  shared->local = local;
  if (shared->stream_over_udp) options.reliable = false;
  shared->datagrams = !options.reliable;
  ice->loop().post([shared, options, local] {
    error_code ec;
    shared->agent = IceAgent::create(shared->ice->loop(), options, local, ec);
    if (!shared->agent) return shared->back([ec](Shared& s) { s.gathered = ec ? ec : make_error_code(errc::not_enough_memory); });
    std::weak_ptr<Shared> weak = shared;
    shared->agent->gather([weak](error_code e, IceCandidateList list) {
      if (auto s = weak.lock())
        s->back([e, list = std::move(list)](Shared& s) mutable {
          s.candidates = std::move(list);
          s.gathered = e;
        });
    });
  });
  const bool done = co_await shared->wait([&] { return shared->gathered.has_value(); },
                                          std::chrono::steady_clock::now() + timeout);
  if (!done) co_return make_error_code(errc::timed_out);
  if (*shared->gathered) co_return *shared->gathered;
  session->offer_.credentials = std::move(local);
  session->offer_.candidates = shared->candidates.candidates;  // views into shared->candidates
  co_return session;
}

IceSession::~IceSession() {
  if (!shared_) return;
  shared_->ice->loop().post([s = std::move(shared_)]() mutable {
    if (s->agent && !s->handed_over) s->agent->close();
    s->agent.reset();
    auto home = s->home;
    asio::post(home, [s = std::move(s)] {});
  });
}

asio::awaitable<boost::system::result<std::unique_ptr<ByteChannel>>> IceSession::connect(
    const IceOffer& peer, std::chrono::milliseconds timeout) {
  // The peer's candidates may point into a message that is gone before the ICE thread runs:
  // they cross encoded.
  std::vector<wire::Buffer> encoded;
  encoded.reserve(peer.candidates.size());
  for (const auto& c : peer.candidates)
    if (auto b = wire::encode_to_buffer(c)) encoded.push_back(std::move(*b));
  shared_->ice->loop().post([shared = shared_, credentials = peer.credentials, encoded = std::move(encoded)] {
    if (!shared->agent) return;
    std::vector<wire::IceCandidate> candidates;
    for (const auto& b : encoded)
      if (auto c = wire::decode_exact<wire::IceCandidate>(b, {})) candidates.push_back(std::move(*c));
    std::weak_ptr<Shared> weak = shared;
    IceAgent* agent = shared->agent.get();  // not owned: the agent keeps this handler
    agent->on_receive([weak](std::vector<std::uint8_t> bytes) {
      if (auto s = weak.lock(); s && s->received_early.size() < Shared::max_received_early)
        s->received_early.push_back(std::move(bytes));
    });
    agent->on_state([weak, agent, remote_ufrag = credentials.ufrag](IceState state) {
      auto s = weak.lock();
      if (!s || s->handed_over) return;
      if (state == IceState::failed) return s->back([](Shared& s) { s.connected = make_error_code(errc::connection_refused); });
      if (state != IceState::connected && state != IceState::ready) return;
      s->handed_over = true;
      std::shared_ptr<IceFlowTakeover> takeover;
      std::function<void(IceState)> on_later_state;
      if (s->datagrams) {
        takeover = std::make_shared<IceFlowTakeover>(
            s->ice, s->home, agent->weak_from_this(),
            IceFlowTakeoverOptions{.local = s->local, .remote_ufrag = remote_ufrag, .controlling = s->controlling});
        on_later_state = [takeover](IceState later) {
          if (later == IceState::ready) takeover->on_ready();
        };
      }
      auto channel = make_ice_channel(agent->shared_from_this(), s->ice->loop(), s->home, {}, s->ice, on_later_state,
                                      std::exchange(s->received_early, {}));
      s->back([channel = std::move(channel), pair = agent->selected_pair(), takeover](Shared& s) mutable {
        if (takeover) {
          auto [datagrams, handover] = make_handover_channel(std::move(channel));
          takeover->set_handover(std::move(handover));
          channel = std::move(datagrams);
        }
        if (s.stream_over_udp) channel = make_pseudo_tcp_channel(std::move(channel));
        s.channel = std::move(channel);
        s.pair = pair;
        s.connected = error_code{};
      });
      // Posted after the channel is made on the home executor, so the hand-over is there.
      if (takeover && state == IceState::ready) takeover->on_ready();
    });
    if (!agent->set_remote(credentials, candidates))
      shared->back([](Shared& s) { s.connected = make_error_code(errc::invalid_argument); });
  });
  const bool done = co_await shared_->wait([this] { return shared_->connected.has_value(); },
                                           std::chrono::steady_clock::now() + timeout);
  if (!done) co_return make_error_code(errc::timed_out);
  if (*shared_->connected) co_return *shared_->connected;
  co_return std::move(shared_->channel);
}

std::optional<IceSelectedPair> IceSession::selected_pair() const { return shared_ ? shared_->pair : std::nullopt; }

}  // namespace reload::transport
