#include "transport/ice_channel.hpp"

#include <algorithm>
#include <deque>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "transport/channel_wait.hpp"
#include "transport/glib_loop.hpp"
#include "transport/ice_agent.hpp"

namespace reload::transport {

namespace {

using boost::system::error_code;
using Chunk = std::vector<std::uint8_t>;

// Each half is touched only on its own executor; they talk by posting.
struct Shared {
  Shared(GlibLoop& l, asio::any_io_executor ex, std::shared_ptr<IceAgent> a, IceChannelLimits lim)
      : loop(l), executor(std::move(ex)), limits(lim), datagrams(!a->reliable()),
        wake(executor, asio::steady_timer::time_point::max()), agent(std::move(a)) {}

  GlibLoop& loop;
  asio::any_io_executor executor;
  IceChannelLimits limits;
  const bool datagrams;

  // The channel's half, on `executor`.
  std::deque<Chunk> inbox;    // as received: one datagram each, or pieces of the stream
  std::size_t front_read = 0;  // of inbox.front(), already read (streams only)
  std::size_t unread = 0;
  std::size_t in_flight = 0;  // written, not yet taken by the agent
  bool paused = false;        // the agent was told to stop handing over the stream
  error_code failed;          // the flow failed or overflowed: reads and writes end with it
  bool closed = false;
  asio::steady_timer wake;    // every wait sleeps on it; cancel() makes them look again

  // The agent's half, on the loop's executor.
  std::shared_ptr<IceAgent> agent;
  std::deque<Chunk> outbox;
  std::size_t outbox_front_sent = 0;

  void fail(error_code ec) {
    if (!failed) failed = ec;
    wake.cancel();
  }

  // On the channel's executor: a chunk the agent received.
  void deliver(const std::shared_ptr<Shared>& self, Chunk chunk) {
    if (closed || failed) return;
    if (unread + chunk.size() > limits.max_unread) {
      if (!datagrams) fail(asio::error::no_buffer_space);
      return;  // a datagram is dropped, as a full socket buffer drops it
    }
    unread += chunk.size();
    inbox.push_back(std::move(chunk));
    wake.cancel();
    if (!datagrams && !paused && unread > limits.pause_above) {
      // The reader is behind: pseudo-TCP keeps the rest and closes its window, so the peer
      // slows down instead of this inbox growing.
      paused = true;
      loop.post([self] {
        if (self->agent) self->agent->pause_receiving();
      });
    }
  }

  // On the channel's executor, after a read: the stream flows again once the reader caught up.
  void maybe_resume(const std::shared_ptr<Shared>& self) {
    if (!paused || unread > limits.pause_above / 4) return;
    paused = false;
    loop.post([self] {
      if (self->agent) self->agent->resume_receiving();
    });
  }

  // On the loop: hand the agent what it takes and tell the channel how much that was.
  void pump(const std::shared_ptr<Shared>& self) {
    if (!agent) return;
    std::size_t taken = 0;
    while (!outbox.empty()) {
      Chunk& front = outbox.front();
      error_code ec;
      const std::size_t n = agent->send(std::span(front).subspan(outbox_front_sent), ec);
      if (datagrams && ec && ec != boost::system::errc::operation_would_block) {
        taken += front.size();  // lost on the way, as UDP loses it: the layer above retransmits
        outbox.pop_front();
        continue;
      }
      outbox_front_sent += n;
      if (outbox_front_sent == front.size()) {
        taken += front.size();
        outbox_front_sent = 0;
        outbox.pop_front();
      }
      if (ec || n == 0) break;  // would_block: on_writable pumps again
    }
    if (taken == 0) return;
    asio::post(executor, [self, taken] {
      self->in_flight -= std::min(self->in_flight, taken);
      self->wake.cancel();
    });
  }
};

class IceChannel final : public ByteChannel {
 public:
  IceChannel(std::shared_ptr<Shared> s, std::shared_ptr<void> loop_owner)
      : loop_owner_(std::move(loop_owner)), s_(std::move(s)) {}
  ~IceChannel() override { close(); }

  std::size_t read_some(std::span<std::uint8_t> into, error_code& ec) override {
    ec = {};
    if (s_->closed) ec = asio::error::bad_descriptor;
    else if (!s_->inbox.empty()) return s_->datagrams ? read_datagram(into) : read_stream(into);
    else if (s_->failed) ec = s_->failed;
    else ec = asio::error::would_block;
    return 0;
  }

  std::size_t write_some(std::span<const std::uint8_t> bytes, error_code& ec) override {
    ec = {};
    if (s_->closed) ec = asio::error::bad_descriptor;
    else if (s_->failed) ec = s_->failed;
    if (!ec && s_->datagrams && bytes.size() > std::min(max_datagram, s_->limits.max_in_flight))
      ec = asio::error::message_size;  // it would never fit
    if (ec || bytes.empty()) return 0;
    const std::size_t room = this->room();
    // A datagram goes whole or not at all.
    const std::size_t n = s_->datagrams ? (room >= bytes.size() ? bytes.size() : 0) : std::min(room, bytes.size());
    if (n == 0) {
      ec = asio::error::would_block;
      return 0;
    }
    s_->in_flight += n;
    s_->loop.post([s = s_, chunk = Chunk(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n))]() mutable {
      s->outbox.push_back(std::move(chunk));
      s->pump(s);
    });
    return n;
  }

  asio::awaitable<error_code> wait(asio::socket_base::wait_type what) override {
    return wait_until(s_->wake, [this, s = s_, what] {
      if (s->closed) return std::optional<error_code>(asio::error::operation_aborted);
      const bool ready = s->failed || (what == asio::socket_base::wait_read ? !s->inbox.empty() : writable());
      return ready ? std::optional<error_code>(error_code{}) : std::nullopt;
    });
  }

  void close() noexcept override {
    if (s_->closed) return;
    s_->closed = true;
    s_->wake.cancel();
    s_->inbox.clear();
    s_->loop.post([s = s_] {
      if (auto a = std::exchange(s->agent, nullptr)) a->close();
      s->outbox.clear();
    });
  }
  bool is_open() const noexcept override { return !s_->closed; }
  bool datagrams() const noexcept override { return s_->datagrams; }
  asio::any_io_executor get_executor() noexcept override { return s_->executor; }

 private:
  // One datagram; what does not fit in `into` is lost, as recv(2) loses it.
  std::size_t read_datagram(std::span<std::uint8_t> into) {
    Chunk d = std::move(s_->inbox.front());
    s_->inbox.pop_front();
    s_->unread -= d.size();
    const std::size_t n = std::min(into.size(), d.size());
    std::copy_n(d.begin(), n, into.begin());
    return n;
  }

  std::size_t read_stream(std::span<std::uint8_t> into) {
    std::size_t n = 0;
    while (n < into.size() && !s_->inbox.empty()) {
      const Chunk& front = s_->inbox.front();
      const std::size_t k = std::min(into.size() - n, front.size() - s_->front_read);
      std::copy_n(front.begin() + static_cast<std::ptrdiff_t>(s_->front_read), k, into.begin() + static_cast<std::ptrdiff_t>(n));
      n += k;
      s_->front_read += k;
      if (s_->front_read == front.size()) {
        s_->inbox.pop_front();
        s_->front_read = 0;
      }
    }
    s_->unread -= n;
    s_->maybe_resume(s_);
    return n;
  }

  std::size_t room() const noexcept {
    return s_->limits.max_in_flight - std::min(s_->limits.max_in_flight, s_->in_flight);
  }
  // Room for a whole write: any byte for a stream, the largest UDP payload for datagrams
  // (a wait that said yes to a datagram that then did not fit would spin).
  bool writable() const noexcept {
    return room() >= (s_->datagrams ? std::min(max_datagram, s_->limits.max_in_flight) : 1);
  }

  static constexpr std::size_t max_datagram = 65'507;
  // Declared first, so let go last: after close() posted the agent's closing and after the
  // shared state (which may hold the agent's last reference) went.
  std::shared_ptr<void> loop_owner_;
  std::shared_ptr<Shared> s_;
};

}  // namespace

std::unique_ptr<ByteChannel> make_ice_channel(std::shared_ptr<IceAgent> agent, GlibLoop& loop,
                                              asio::any_io_executor executor, IceChannelLimits limits,
                                              std::shared_ptr<void> loop_owner,
                                              std::function<void(IceState)> also_on_state,
                                              std::vector<Chunk> received_before) {
  auto s = std::make_shared<Shared>(loop, std::move(executor), agent, limits);
  if (!received_before.empty())
    asio::post(s->executor, [s, before = std::move(received_before)]() mutable {
      for (auto& chunk : before) s->deliver(s, std::move(chunk));
    });
  // The handlers hold the shared state weakly: the agent must not keep its own owner alive.
  std::weak_ptr<Shared> weak = s;
  agent->on_receive([weak](Chunk bytes) {
    if (auto s = weak.lock())
      asio::post(s->executor, [s, chunk = std::move(bytes)]() mutable { s->deliver(s, std::move(chunk)); });
  });
  agent->on_writable([weak] {
    if (auto s = weak.lock()) s->pump(s);
  });
  agent->on_state([weak, also = std::move(also_on_state)](IceState state) {
    if (also) also(state);
    auto s = weak.lock();
    if (!s || state != IceState::failed) return;
    asio::post(s->executor, [s] { s->fail(asio::error::connection_reset); });
  });
  return std::make_unique<IceChannel>(std::move(s), std::move(loop_owner));
}

}  // namespace reload::transport
