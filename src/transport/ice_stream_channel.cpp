#include "transport/ice_stream_channel.hpp"

#include <algorithm>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "transport/glib_loop.hpp"
#include "transport/ice_agent.hpp"

namespace reload::transport {

namespace {

using boost::system::error_code;

// Each half is touched only on its own executor; they talk by posting.
struct Shared {
  Shared(GlibLoop& l, asio::any_io_executor ex, std::shared_ptr<IceAgent> a, IceStreamLimits lim)
      : loop(l), executor(std::move(ex)), limits(lim), wake(executor, asio::steady_timer::time_point::max()),
        agent(std::move(a)) {}

  GlibLoop& loop;
  asio::any_io_executor executor;
  IceStreamLimits limits;

  // The channel's half, on `executor`.
  std::vector<std::uint8_t> inbox;
  std::size_t in_flight = 0;  // written, not yet taken by the agent
  error_code failed;          // the flow failed or overflowed: reads and writes end with it
  bool closed = false;
  asio::steady_timer wake;    // every wait sleeps on it; cancel() makes them look again

  // The agent's half, on the loop's executor.
  std::shared_ptr<IceAgent> agent;
  std::vector<std::uint8_t> outbox;

  void fail(error_code ec) {
    if (!failed) failed = ec;
    wake.cancel();
  }

  // On the loop: hand the agent what it takes and tell the channel how much that was.
  void pump(const std::shared_ptr<Shared>& self) {
    if (!agent) return;
    std::size_t taken = 0;
    while (taken < outbox.size()) {
      error_code ec;
      const std::size_t n = agent->send(std::span(outbox).subspan(taken), ec);
      taken += n;
      if (ec || n == 0) break;  // would_block: on_writable pumps again
    }
    if (taken == 0) return;
    outbox.erase(outbox.begin(), outbox.begin() + static_cast<std::ptrdiff_t>(taken));
    asio::post(executor, [self, taken] {
      self->in_flight -= std::min(self->in_flight, taken);
      self->wake.cancel();
    });
  }
};

class IceStreamChannel final : public ByteChannel {
 public:
  explicit IceStreamChannel(std::shared_ptr<Shared> s) : s_(std::move(s)) {}
  ~IceStreamChannel() override { close(); }

  std::size_t read_some(std::span<std::uint8_t> into, error_code& ec) override {
    ec = {};
    if (s_->closed) ec = asio::error::bad_descriptor;
    else if (!s_->inbox.empty()) {
      const std::size_t n = std::min(into.size(), s_->inbox.size());
      std::copy_n(s_->inbox.begin(), n, into.begin());
      s_->inbox.erase(s_->inbox.begin(), s_->inbox.begin() + static_cast<std::ptrdiff_t>(n));
      return n;
    } else if (s_->failed) ec = s_->failed;
    else ec = asio::error::would_block;
    return 0;
  }

  std::size_t write_some(std::span<const std::uint8_t> bytes, error_code& ec) override {
    ec = {};
    if (s_->closed) ec = asio::error::bad_descriptor;
    else if (s_->failed) ec = s_->failed;
    const std::size_t room = s_->limits.max_in_flight - std::min(s_->limits.max_in_flight, s_->in_flight);
    if (!ec && room == 0 && !bytes.empty()) ec = asio::error::would_block;
    if (ec || bytes.empty()) return 0;
    const std::size_t n = std::min(room, bytes.size());
    s_->in_flight += n;
    std::vector<std::uint8_t> chunk(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    s_->loop.post([s = s_, chunk = std::move(chunk)] {
      s->outbox.insert(s->outbox.end(), chunk.begin(), chunk.end());
      s->pump(s);
    });
    return n;
  }

  asio::awaitable<error_code> wait(asio::socket_base::wait_type what) override {
    for (;;) {
      if (s_->closed) co_return asio::error::operation_aborted;
      const bool ready = s_->failed || (what == asio::socket_base::wait_read ? !s_->inbox.empty()
                                                                            : s_->in_flight < s_->limits.max_in_flight);
      if (ready) co_return error_code{};
      error_code ignored;
      co_await s_->wake.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
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
  asio::any_io_executor get_executor() noexcept override { return s_->executor; }

 private:
  std::shared_ptr<Shared> s_;
};

}  // namespace

std::unique_ptr<ByteChannel> make_ice_stream_channel(std::shared_ptr<IceAgent> agent, GlibLoop& loop,
                                                     asio::any_io_executor executor, IceStreamLimits limits) {
  auto s = std::make_shared<Shared>(loop, std::move(executor), agent, limits);
  // The handlers hold the shared state weakly: the agent must not keep its own owner alive.
  std::weak_ptr<Shared> weak = s;
  agent->on_receive([weak](std::span<const std::uint8_t> bytes) {
    auto s = weak.lock();
    if (!s) return;
    asio::post(s->executor, [s, chunk = std::vector<std::uint8_t>(bytes.begin(), bytes.end())] {
      if (s->closed || s->failed) return;
      if (s->inbox.size() + chunk.size() > s->limits.max_unread) {
        s->fail(asio::error::no_buffer_space);
        return;
      }
      s->inbox.insert(s->inbox.end(), chunk.begin(), chunk.end());
      s->wake.cancel();
    });
  });
  agent->on_writable([weak] {
    if (auto s = weak.lock()) s->pump(s);
  });
  agent->on_state([weak](IceState state) {
    auto s = weak.lock();
    if (!s || state != IceState::failed) return;
    asio::post(s->executor, [s] { s->fail(asio::error::connection_reset); });
  });
  return std::make_unique<IceStreamChannel>(std::move(s));
}

}  // namespace reload::transport
