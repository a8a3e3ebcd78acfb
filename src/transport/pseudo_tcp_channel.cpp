#include "transport/pseudo_tcp_channel.hpp"

#include <cerrno>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nice/pseudotcp.h>

#include "transport/channel_wait.hpp"

// g++ 12 at -O2 inlines Asio's coroutine-frame allocation next to its deallocation and then
// reports a mismatch that is not there.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace reload::transport {

namespace {

using boost::system::error_code;
using Clock = std::chrono::steady_clock;

// What a reliable libnice agent uses (agent.c: MAX_TCP_MTU): the segments stay the same.
constexpr guint16 pseudo_tcp_mtu = 1400;
// pseudo-TCP never asks for a clock later than its DEFAULT_TIMEOUT (4 s); capping the wait
// there also bounds what a wrap of its 32-bit millisecond clock could do.
constexpr gint64 longest_clock_ms = 4000;

error_code errno_code(int e) { return {e, boost::system::system_category()}; }

// The socket, the datagram channel under it and the two loops that drive it: reading
// datagrams into it and calling its clock. Shared by the channel and those loops, so that a
// closed channel can linger until the FIN is out.
struct Flow : std::enable_shared_from_this<Flow> {
  Flow(std::unique_ptr<ByteChannel> d, PseudoTcpOptions o)
      : lower(std::move(d)),
        options(o),
        clock(lower->get_executor(), Clock::time_point::max()),
        wake(lower->get_executor()) {}
  ~Flow() {
    if (tcp) g_object_unref(tcp);
  }

  std::unique_ptr<ByteChannel> lower;
  PseudoTcpOptions options;
  asio::steady_timer clock;  // when pseudo-TCP wants its clock called next
  ReadySignal wake;          // the channel user's waits sleep on it
  bool changed = false;      // since the last wake: readable, writable or closed
  bool ended_by_peer = false;  // the peer's FIN came
  PseudoTcpSocket* tcp = nullptr;
  bool readable = false;
  bool writable = false;
  error_code failed;        // reset, aborted, or the datagram channel failed
  bool user_closed = false;  // the channel is closed; the flow may linger
  bool finished = false;     // the flow stopped for good and the datagram channel is closed
  Clock::time_point linger_until = Clock::time_point::max();
  // One segment: pseudo-TCP's are at most its MTU (1,400 bytes); a larger datagram is cut
  // and then refused by pseudo-TCP. Kept by every stream, so not 64 KiB.
  std::vector<std::uint8_t> packet = std::vector<std::uint8_t>(2048);

  static Flow& of(gpointer data) { return *static_cast<Flow*>(data); }
  static void on_opened(PseudoTcpSocket*, gpointer d) { of(d).notify_writable(); }
  static void on_writable(PseudoTcpSocket*, gpointer d) { of(d).notify_writable(); }
  static void on_readable(PseudoTcpSocket*, gpointer d) {
    of(d).readable = true;
    of(d).changed = true;
  }
  // Called only for an error (a reset, a timeout); a clean end shows as the end of reads.
  static void on_closed(PseudoTcpSocket*, guint32 err, gpointer d) {
    Flow& f = of(d);
    if (!f.failed) f.failed = errno_code(err ? static_cast<int>(err) : ECONNRESET);
    f.changed = true;
  }
  static PseudoTcpWriteResult write_packet(PseudoTcpSocket*, const gchar* buffer, guint32 len, gpointer d) {
    Flow& f = of(d);
    if (f.finished || !f.lower->is_open()) return WR_FAIL;
    error_code ec;
    f.lower->write_some(std::span(reinterpret_cast<const std::uint8_t*>(buffer), len), ec);
    if (ec == asio::error::message_size) return WR_TOO_LARGE;
    return WR_SUCCESS;  // or lost (a full socket buffer, a transient error): pseudo-TCP retransmits
  }

  void notify_writable() {
    writable = true;
    changed = true;
  }

  // After every call into pseudo-TCP, whose callbacks only note what changed: the waiters
  // resume here (`at_top`: the flow's own loops, where nothing is held) or through the
  // executor (inside the user's read or write).
  void wake_waiters(bool at_top) {
    if (!std::exchange(changed, false)) return;
    if (at_top)
      wake.notify_here();
    else
      wake.notify();
  }

  void start() {
    PseudoTcpCallbacks callbacks{this, &on_opened, &on_readable, &on_writable, &on_closed, &write_packet};
    tcp = pseudo_tcp_socket_new(0, &callbacks);
    // Both ends open at once, as two reliable libnice agents do.
    pseudo_tcp_socket_connect(tcp);
    pseudo_tcp_socket_notify_mtu(tcp, pseudo_tcp_mtu);
    wake_waiters(false);
    schedule();
    auto self = shared_from_this();
    asio::co_spawn(lower->get_executor(), receive(self), asio::detached);
    asio::co_spawn(lower->get_executor(), tick(self), asio::detached);
  }

  void finish() {
    if (finished) return;
    finished = true;
    lower->close();
    clock.cancel();
    wake.notify();
  }

  void fail(error_code ec) {
    if (!failed) failed = ec;
    finish();
  }

  // Arms the clock for pseudo-TCP's next deadline when that is sooner than what is armed.
  void schedule() {
    if (finished) return;
    guint64 next = 0;
    if (!pseudo_tcp_socket_get_next_clock(tcp, &next)) return finish();  // closed on both sides
    const auto now_ms = static_cast<gint64>(static_cast<guint32>(g_get_monotonic_time() / 1000));
    const gint64 delay = std::clamp<gint64>(static_cast<gint64>(next) - now_ms, 0, longest_clock_ms);
    const auto now = Clock::now();
    auto at = now + std::chrono::milliseconds(delay);
    if (user_closed) at = std::min(at, linger_until);
    if (at < clock.expiry() || clock.expiry() <= now) clock.expires_at(at);
  }

  static asio::awaitable<void> receive(std::shared_ptr<Flow> f) {
    while (!f->finished) {
      std::size_t n = 0;
      const error_code ec = co_await f->lower->async_read_some(f->packet, n);
      if (f->finished) co_return;
      if (ec) co_return f->fail(ec);
      pseudo_tcp_socket_notify_packet(f->tcp, reinterpret_cast<const gchar*>(f->packet.data()),
                                      static_cast<guint32>(n));
      // pseudo-TCP has no callback for the peer's FIN: its reader learns it here.
      if (!f->ended_by_peer && pseudo_tcp_socket_is_closed_remotely(f->tcp))
        f->ended_by_peer = f->changed = true;
      // The reader takes the bytes before this loop asks the socket for more.
      f->wake_waiters(true);
      if (f->finished) co_return;
      f->schedule();
    }
  }

  static asio::awaitable<void> tick(std::shared_ptr<Flow> f) {
    while (!f->finished) {
      error_code ignored;  // re-arming cancels the wait: the expiry below says what happened
      co_await f->clock.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      if (f->finished) co_return;
      const auto now = Clock::now();
      if (now < f->clock.expiry()) continue;
      if (f->user_closed && now >= f->linger_until) co_return f->finish();
      f->clock.expires_at(Clock::time_point::max());
      pseudo_tcp_socket_notify_clock(f->tcp);
      f->changed = true;  // a retransmission or a timeout may have changed anything
      f->wake_waiters(true);
      if (f->finished) co_return;
      f->schedule();
    }
  }

  // The user is done: deliver what is written and the FIN, for at most the linger time.
  void close_for_user() {
    if (user_closed) return;
    user_closed = true;
    wake.notify();
    if (finished) return;
    // Unread bytes would make the shutdown a reset (RFC 1122 4.2.2.13); nobody reads them now.
    while (pseudo_tcp_socket_recv(tcp, reinterpret_cast<char*>(packet.data()), packet.size()) > 0) {
    }
    pseudo_tcp_socket_close(tcp, FALSE);
    changed = false;  // the waiters were woken above, and nobody waits for this flow now
    linger_until = Clock::now() + options.linger;
    schedule();
  }
};

// Inside a user's read or write, waiters (the other direction's) resume through the executor.
struct WakeAfter {
  Flow& f;
  ~WakeAfter() { f.wake_waiters(false); }
};

class PseudoTcpChannel final : public ByteChannel {
 public:
  explicit PseudoTcpChannel(std::shared_ptr<Flow> f) : f_(std::move(f)) {}
  ~PseudoTcpChannel() override { close(); }

  std::size_t read_some(std::span<std::uint8_t> into, error_code& ec) override {
    const WakeAfter wake_after{*f_};
    ec = {};
    if (f_->user_closed) {
      ec = asio::error::bad_descriptor;
      return 0;
    }
    if (into.empty()) return 0;
    const gint n = pseudo_tcp_socket_recv(f_->tcp, reinterpret_cast<char*>(into.data()), into.size());
    if (n > 0) {
      f_->schedule();  // the window may have opened: an ack went out
      return static_cast<std::size_t>(n);
    }
    if (n == 0) {
      ec = f_->failed ? f_->failed : error_code(asio::error::eof);
      return 0;
    }
    const int err = pseudo_tcp_socket_get_error(f_->tcp);
    if (err == EWOULDBLOCK || err == ENOTCONN) {
      f_->readable = false;
      ec = f_->failed ? f_->failed : f_->finished ? error_code(asio::error::eof) : error_code(asio::error::would_block);
    } else {
      ec = f_->failed ? f_->failed : errno_code(err);
    }
    return 0;
  }

  std::size_t write_some(std::span<const std::uint8_t> bytes, error_code& ec) override {
    const WakeAfter wake_after{*f_};
    ec = {};
    if (f_->user_closed) ec = asio::error::bad_descriptor;
    else if (f_->failed) ec = f_->failed;
    else if (f_->finished) ec = asio::error::broken_pipe;
    if (ec || bytes.empty()) return 0;
    const gint n = pseudo_tcp_socket_send(f_->tcp, reinterpret_cast<const char*>(bytes.data()),
                                          static_cast<guint32>(bytes.size()));
    if (n > 0) {
      if (static_cast<std::size_t>(n) < bytes.size()) f_->writable = false;
      f_->schedule();
      return static_cast<std::size_t>(n);
    }
    const int err = pseudo_tcp_socket_get_error(f_->tcp);
    if (n == 0 || err == EWOULDBLOCK || err == ENOTCONN) {
      f_->writable = false;
      ec = asio::error::would_block;
    } else {
      ec = errno_code(err);
    }
    return 0;
  }

  asio::awaitable<error_code> wait(asio::socket_base::wait_type what) override {
    auto f = f_;  // the channel may go while this waits
    return wait_until(f->wake, [f, what] {
      if (f->user_closed) return std::optional<error_code>(asio::error::operation_aborted);
      const bool ready = f->failed || f->finished ||
                         (what == asio::socket_base::wait_read
                              ? f->readable || pseudo_tcp_socket_is_closed_remotely(f->tcp)
                              : f->writable);
      return ready ? std::optional<error_code>(error_code{}) : std::nullopt;
    });
  }

  void close() noexcept override { f_->close_for_user(); }
  bool is_open() const noexcept override { return !f_->user_closed; }
  asio::any_io_executor get_executor() noexcept override { return f_->lower->get_executor(); }

 private:
  std::shared_ptr<Flow> f_;
};

}  // namespace

std::unique_ptr<ByteChannel> make_pseudo_tcp_channel(std::unique_ptr<ByteChannel> datagrams, PseudoTcpOptions options) {
  auto flow = std::make_shared<Flow>(std::move(datagrams), options);
  flow->start();
  return std::make_unique<PseudoTcpChannel>(std::move(flow));
}

}  // namespace reload::transport
