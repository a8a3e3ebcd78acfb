#include "transport/test_pipe.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace reload::transport {

using boost::system::error_code;

struct TestPipe::State {
  struct Side {
    explicit Side(const asio::any_io_executor& ex) : wake(ex, asio::steady_timer::time_point::max()) {}
    std::vector<std::uint8_t> inbox;  // sent toward this end, not read yet
    bool reading = true;
    bool send_shut = false;
    bool closed = false;
    std::size_t writes = 0;
    std::size_t fail_at = 0;  // 0: no write fails
    error_code fail_with;
    // Every wait of this end (its reader's and its writer's) sleeps on it; cancel() wakes them
    // to look again.
    asio::steady_timer wake;
  };

  State(const asio::any_io_executor& ex, std::size_t cap) : executor(ex), capacity(cap), sides{Side(ex), Side(ex)} {}

  Side& other(End e) { return sides[1 - e]; }
  void wake_both() {
    for (auto& s : sides) s.wake.cancel();
  }

  bool readable(End e) {
    const Side& me = sides[e];
    const Side& peer = other(e);
    return me.reading && (!me.inbox.empty() || peer.send_shut || peer.closed);
  }
  bool fails_next(End e) const { return sides[e].fail_at != 0 && sides[e].writes + 1 >= sides[e].fail_at; }
  bool writable(End e) {
    return sides[e].send_shut || fails_next(e) || other(e).closed || other(e).inbox.size() < capacity;
  }

  asio::any_io_executor executor;
  std::size_t capacity;
  std::array<Side, 2> sides;
};

namespace {

class PipeEnd final : public ByteChannel {
 public:
  PipeEnd(std::shared_ptr<TestPipe::State> state, TestPipe::End end) : state_(std::move(state)), end_(end) {}
  ~PipeEnd() override { close(); }

  std::size_t read_some(std::span<std::uint8_t> into, error_code& ec) override {
    auto& me = state_->sides[end_];
    ec = {};
    if (me.closed) ec = asio::error::bad_descriptor;
    else if (!state_->readable(end_)) ec = asio::error::would_block;
    else if (me.inbox.empty()) ec = asio::error::eof;
    if (ec) return 0;
    const std::size_t n = std::min(into.size(), me.inbox.size());
    std::copy_n(me.inbox.begin(), n, into.begin());
    me.inbox.erase(me.inbox.begin(), me.inbox.begin() + static_cast<std::ptrdiff_t>(n));
    state_->wake_both();
    return n;
  }

  std::size_t write_some(std::span<const std::uint8_t> bytes, error_code& ec) override {
    auto& me = state_->sides[end_];
    auto& peer = state_->other(end_);
    const std::size_t n = std::min(bytes.size(), state_->capacity - std::min(state_->capacity, peer.inbox.size()));
    ec = {};
    if (me.closed) ec = asio::error::bad_descriptor;
    else if (me.send_shut || peer.closed) ec = asio::error::broken_pipe;
    else if (state_->fails_next(end_)) ec = me.fail_with;
    else if (n == 0) ec = asio::error::would_block;
    if (ec != asio::error::would_block) ++me.writes;  // a blocked write is no write
    if (ec) return 0;
    peer.inbox.insert(peer.inbox.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    state_->wake_both();
    return n;
  }

  asio::awaitable<error_code> wait(asio::socket_base::wait_type what) override {
    auto& me = state_->sides[end_];
    for (;;) {
      if (me.closed) co_return asio::error::operation_aborted;
      if (what == asio::socket_base::wait_read ? state_->readable(end_) : state_->writable(end_)) co_return error_code{};
      error_code ignored;  // a cancel() means: look again
      co_await me.wake.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
  }

  void close() noexcept override {
    state_->sides[end_].closed = true;
    state_->wake_both();
  }
  bool is_open() const noexcept override { return !state_->sides[end_].closed; }
  asio::any_io_executor get_executor() noexcept override { return state_->executor; }

 private:
  std::shared_ptr<TestPipe::State> state_;
  TestPipe::End end_;
};

}  // namespace

TestPipe::TestPipe(asio::any_io_executor executor, std::size_t capacity)
    : state_(std::make_shared<State>(executor, capacity)) {}

std::unique_ptr<ByteChannel> TestPipe::channel(End end) { return std::make_unique<PipeEnd>(state_, end); }

void TestPipe::fail_write(End end, std::size_t nth, error_code ec) {
  auto& side = state_->sides[end];
  side.fail_at = side.writes + nth;
  side.fail_with = ec;
  state_->wake_both();
}

void TestPipe::stop_reading(End end) { state_->sides[end].reading = false; }

void TestPipe::resume_reading(End end) {
  state_->sides[end].reading = true;
  state_->wake_both();
}

void TestPipe::shutdown_send(End end) {
  state_->sides[end].send_shut = true;
  state_->wake_both();
}

std::size_t TestPipe::unread(End end) const { return state_->sides[end].inbox.size(); }

}  // namespace reload::transport
