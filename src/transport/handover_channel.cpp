#include "transport/handover_channel.hpp"

#include <algorithm>
#include <deque>
#include <vector>

#include <boost/asio/this_coro.hpp>

namespace reload::transport {

namespace {

using boost::system::error_code;
using Datagram = std::vector<std::uint8_t>;

struct State final : Handover {
  State(std::unique_ptr<ByteChannel> first, std::size_t max) : current(std::move(first)), max_held(max) {}

  std::unique_ptr<ByteChannel> current;
  std::unique_ptr<ByteChannel> retired;  // kept: a wait may still be running on it
  std::size_t max_held;
  bool holding = false;
  bool moved = false;
  unsigned generation = 0;  // counts moves: a wait on the old carrier then waits again
  std::deque<Datagram> carried;  // received by the old carrier, not read yet
  std::deque<Datagram> held;     // written during the move

  void hold() override {
    if (!moved) holding = true;
  }

  void replace(std::unique_ptr<ByteChannel> next) override {
    if (moved || !next || !current->is_open()) {
      if (next) next->close();  // the channel was closed meanwhile: nothing to carry
      return release();
    }
    // What the old carrier has now is all it will ever have: it stopped before this call.
    std::vector<std::uint8_t> buffer(65'536);
    for (;;) {
      error_code ec;
      const std::size_t n = current->read_some(buffer, ec);
      if (ec || n == 0) break;
      carried.emplace_back(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
    }
    current->close();
    retired = std::exchange(current, std::move(next));
    ++generation;
    flush();
  }

  void release() override { flush(); }

  void flush() {
    moved = true;
    holding = false;
    for (const Datagram& d : held) {
      error_code ignored;  // lost like any datagram
      current->write_some(d, ignored);
    }
    held.clear();
  }
};

std::size_t take_carried(State& s, std::span<std::uint8_t> into) {
  Datagram d = std::move(s.carried.front());
  s.carried.pop_front();
  const std::size_t n = std::min(into.size(), d.size());
  std::copy_n(d.begin(), n, into.begin());
  return n;
}

class HandoverChannel final : public ByteChannel {
 public:
  explicit HandoverChannel(std::shared_ptr<State> s) : s_(std::move(s)) {}
  ~HandoverChannel() override { close(); }

  std::size_t read_some(std::span<std::uint8_t> into, error_code& ec) override {
    if (s_->carried.empty()) return s_->current->read_some(into, ec);
    ec = {};
    return take_carried(*s_, into);
  }

  asio::awaitable<error_code> async_read_some(std::span<std::uint8_t> into,
                                              std::size_t& n) override {
    auto s = s_;  // the channel may go while this reads
    for (;;) {
      if (!s->carried.empty()) {
        n = take_carried(*s, into);
        co_return error_code{};
      }
      const unsigned generation = s->generation;
      const error_code ec = co_await s->current->async_read_some(into, n);
      if (s->generation == generation || !s->current->is_open()) co_return ec;
      // The carrier changed under this read (the old one ended it): read from the new one.
    }
  }

  std::size_t write_some(std::span<const std::uint8_t> bytes, error_code& ec) override {
    if (!s_->holding) return s_->current->write_some(bytes, ec);
    ec = {};
    if (s_->held.size() < s_->max_held) s_->held.emplace_back(bytes.begin(), bytes.end());
    return bytes.size();
  }

  asio::awaitable<error_code> wait(asio::socket_base::wait_type what) override {
    auto s = s_;  // the channel may go while this waits
    for (;;) {
      if (what == asio::socket_base::wait_read && !s->carried.empty()) co_return error_code{};
      if (what == asio::socket_base::wait_write && s->holding) co_return error_code{};
      const unsigned generation = s->generation;
      const error_code ec = co_await s->current->wait(what);
      if (s->generation == generation || !s->current->is_open()) co_return ec;
      // The carrier changed under this wait (the old one ended it): wait on the new one.
    }
  }

  void close() noexcept override {
    s_->current->close();
    s_->carried.clear();
    s_->held.clear();
  }
  bool is_open() const noexcept override { return s_->current->is_open(); }
  bool datagrams() const noexcept override { return true; }
  asio::any_io_executor get_executor() noexcept override { return s_->current->get_executor(); }

 private:
  std::shared_ptr<State> s_;
};

}  // namespace

std::pair<std::unique_ptr<ByteChannel>, std::weak_ptr<Handover>> make_handover_channel(
    std::unique_ptr<ByteChannel> first, std::size_t max_held) {
  auto s = std::make_shared<State>(std::move(first), max_held);
  std::weak_ptr<Handover> handle = s;
  return {std::make_unique<HandoverChannel>(std::move(s)), std::move(handle)};
}

}  // namespace reload::transport
