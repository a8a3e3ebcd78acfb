// Two libnice agents on an ICE executor's thread, their flows as channels on the test's
// io_context, with certificates for (D)TLS on top: what the tests of the links over ICE share.
#pragma once

// g++ 12 at -O2 inlines Asio's coroutine-frame allocation next to its deallocation and then
// reports a mismatch that is not there.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <future>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <doctest/doctest.h>

#include "ice_fixtures.hpp"
#include "tls_fixtures.hpp"
#include "transport/ice_channel.hpp"
#include "transport/ice_executor.hpp"
#include "transport/tls_socket.hpp"

namespace reload::transport::test {

using boost::system::error_code;

// Runs `f` on the ICE thread and returns what it returns.
template <class F>
inline auto on_ice(IceExecutor& ice, F f) {
  std::packaged_task<decltype(f())()> task(std::move(f));
  auto result = task.get_future();
  ice.loop().post([&task] { task(); });
  return result.get();
}

template <class F>
inline bool eventually(F f, std::chrono::milliseconds limit = 5s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!f() && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(2ms);
  return f();
}

struct IceTls : TlsPeers {
  // What the ICE thread posts must run even while nothing else waits on the io_context.
  asio::executor_work_guard<asio::io_context::executor_type> busy = asio::make_work_guard(io);
  IceExecutor ice;
  Side a, b;
  std::unique_ptr<ByteChannel> channel_a, channel_b;

  explicit IceTls(bool reliable = true, bool tcp = false) {
    on_ice(ice, [&] {
      start(ice.loop(), a, loopback(true, reliable, tcp), credentials_a);
      start(ice.loop(), b, loopback(false, reliable, tcp), credentials_b);
      return 0;
    });
    REQUIRE(eventually([&] { return on_ice(ice, [&] { return a.offer && b.offer; }); }));
    on_ice(ice, [&] {
      exchange_offers(a, b);
      return 0;
    });
    REQUIRE(eventually([&] {
      return on_ice(ice, [&] { return a.agent->state() == IceState::ready && b.agent->state() == IceState::ready; });
    }));
    std::tie(channel_a, channel_b) = on_ice(ice, [&] {
      return std::pair(make_ice_channel(a.agent, ice.loop(), io.get_executor()),
                       make_ice_channel(b.agent, ice.loop(), io.get_executor()));
    });
  }
  ~IceTls() {
    // The agents belong to the ICE thread: the channels close theirs there, and these
    // references go there too.
    channel_a.reset();
    channel_b.reset();
    on_ice(ice, [&] {
      a.agent.reset();
      b.agent.reset();
      return 0;
    });
  }
};

// Runs both handshakes to the end; their errors.
inline std::pair<error_code, error_code> handshake(TlsPeers& t, TlsSocket& client, TlsSocket& server) {
  std::optional<error_code> c, s;
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { c = co_await client.handshake(asio::ssl::stream_base::client); }, asio::detached);
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { s = co_await server.handshake(asio::ssl::stream_base::server); }, asio::detached);
  t.run_until([&] { return c && s; }, 10s);
  return {*c, *s};
}

// Writes `bytes` on `from` and reads as many on `to`, checking they arrived intact.
inline void carry(TlsPeers& t, TlsSocket& from, TlsSocket& to, const wire::Buffer& bytes) {
  std::optional<error_code> wrote, read;
  wire::Buffer got(bytes.size());
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> { wrote = co_await from.write_all(bytes); }, asio::detached);
  asio::co_spawn(t.io, [&]() -> asio::awaitable<void> {
    std::size_t have = 0;
    while (have < got.size()) {
      std::size_t n = 0;
      if (auto ec = co_await to.read_some(std::span(got).subspan(have), n)) {
        read = ec;
        co_return;
      }
      have += n;
    }
    read = error_code{};
  }, asio::detached);
  t.run_until([&] { return wrote && read; }, 10s);
  CHECK_FALSE(*wrote);
  CHECK_FALSE(*read);
  CHECK(got == bytes);
}

// A datagram channel that loses the first `drop` datagrams written to it and then, while
// `armed`, every `every`th (0: none), as a network would; `silent`, all of them (a host that
// vanished without a word).
class Lossy final : public ByteChannel {
 public:
  Lossy(std::unique_ptr<ByteChannel> inner, int drop, int every = 0)
      : inner_(std::move(inner)), drop_(drop), every_(every) {}
  std::size_t read_some(std::span<std::uint8_t> into, error_code& ec) override { return inner_->read_some(into, ec); }
  std::size_t write_some(std::span<const std::uint8_t> bytes, error_code& ec) override {
    const bool lose = silent || drop_ > 0 || (armed && every_ > 0 && ++written_ % every_ == 0);
    if (lose) {
      if (drop_ > 0) --drop_;
      ++dropped;
      ec = {};
      return bytes.size();
    }
    return inner_->write_some(bytes, ec);
  }
  asio::awaitable<error_code> wait(asio::socket_base::wait_type what) override { return inner_->wait(what); }
  void close() noexcept override { inner_->close(); }
  bool is_open() const noexcept override { return inner_->is_open(); }
  bool datagrams() const noexcept override { return inner_->datagrams(); }
  asio::any_io_executor get_executor() noexcept override { return inner_->get_executor(); }
  int dropped = 0;
  bool armed = true;
  bool silent = false;

 private:
  std::unique_ptr<ByteChannel> inner_;
  int drop_;
  int every_;
  int written_ = 0;
};

}  // namespace reload::transport::test
