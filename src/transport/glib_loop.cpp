#include "transport/glib_loop.hpp"

#include <sys/epoll.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <system_error>
#include <vector>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <glib.h>

namespace reload::transport {

struct GlibLoop::State : std::enable_shared_from_this<GlibLoop::State> {
  explicit State(asio::any_io_executor ex) : executor(std::move(ex)), timer(executor), ready(executor) {
    const int fd = ::epoll_create1(EPOLL_CLOEXEC);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1 for the GLib loop");
    ready.assign(fd);
  }

  asio::any_io_executor executor;
  GMainContext* context = g_main_context_new();
  bool acquired = false;
  bool stopped = false;
  bool waiting = false;       // an iteration is between query and check
  bool reschedule_posted = false;
  std::uint64_t generation = 0;
  gint max_priority = 0;
  std::vector<GPollFD> fds;
  asio::steady_timer timer;
  // GLib's descriptors are kept in an epoll set of our own, changed only when GLib's list
  // changes, and Asio watches that one descriptor: registering each of GLib's descriptors
  // with Asio on every iteration cost two epoll_ctl calls per descriptor per iteration (the
  // largest item in a profile of an XMPP echo over an AppAttach stream).
  asio::posix::stream_descriptor ready;
  std::map<int, std::uint32_t> registered;  // descriptor -> epoll events, as in `ready`'s set

  void start() {
    if (stopped) return;
    if (!g_main_context_acquire(context)) {
      // Another thread owns the context: nothing of ours may run on it. Try again soon
      // rather than iterate a context we do not hold.
      timer.expires_after(std::chrono::milliseconds(1));
      timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (!ec) self->start();
      });
      return;
    }
    acquired = true;
    // GTasks (nice_agent_close_async's among them) complete in the thread-default context of
    // the thread that made them: ours, or they would wait for a loop nobody runs and keep
    // their agents, sockets and all, forever.
    g_main_context_push_thread_default(context);
    prepare_and_wait();
  }

  // Brings the epoll set in line with GLib's list. A descriptor GLib closed has left the set
  // by itself; if its number was reused meanwhile, MOD fails with ENOENT and it is added anew.
  void update_registrations() {
    std::map<int, std::uint32_t> wanted;
    for (const GPollFD& p : fds) {
      std::uint32_t e = 0;
      if (p.events & (G_IO_IN | G_IO_HUP | G_IO_ERR)) e |= EPOLLIN;
      if (p.events & G_IO_PRI) e |= EPOLLPRI;
      if (p.events & G_IO_OUT) e |= EPOLLOUT;
      if (e) wanted[p.fd] |= e;
    }
    bool stale = false;
    for (auto it = registered.begin(); it != registered.end();) {
      if (wanted.contains(it->first)) {
        ++it;
        continue;
      }
      // EBADF: GLib closed it. Its registration is gone with it, unless another descriptor
      // still refers to the same socket (an ICE flow the node took over holds a duplicate):
      // epoll keeps watching the socket then, and nothing can remove that entry by number.
      if (::epoll_ctl(ready.native_handle(), EPOLL_CTL_DEL, it->first, nullptr) != 0 && errno == EBADF) stale = true;
      it = registered.erase(it);
    }
    if (stale) fresh_set();
    const int set = ready.native_handle();
    for (const auto& [fd, events] : wanted) {
      auto it = registered.find(fd);
      if (it != registered.end() && it->second == events) continue;
      epoll_event ev{};
      ev.events = events;
      ev.data.fd = fd;
      if (it == registered.end() || ::epoll_ctl(set, EPOLL_CTL_MOD, fd, &ev) != 0) ::epoll_ctl(set, EPOLL_CTL_ADD, fd, &ev);
      registered[fd] = events;
    }
  }

  // A new, empty epoll set in place of one that may watch a socket GLib no longer lists
  // (which would wake this loop for every datagram the socket's new owner receives).
  void fresh_set() {
    const int fd = ::epoll_create1(EPOLL_CLOEXEC);
    if (fd < 0) return;  // keep the old set: spurious wake-ups cost time, not correctness
    boost::system::error_code ignored;
    ready.close(ignored);
    ready.assign(fd, ignored);
    registered.clear();
  }

  void prepare_and_wait() {
    g_main_context_prepare(context, &max_priority);
    gint timeout = -1;
    fds.resize(std::max<std::size_t>(fds.size(), 8));
    for (;;) {
      const gint n = g_main_context_query(context, max_priority, &timeout, fds.data(), static_cast<gint>(fds.size()));
      if (static_cast<std::size_t>(n) <= fds.size()) {
        fds.resize(static_cast<std::size_t>(n));
        break;
      }
      fds.resize(static_cast<std::size_t>(n));
    }
    waiting = true;
    const std::uint64_t gen = ++generation;
    update_registrations();
    // Ready already (GLib left data unread, or it came before this wait): Asio watches the
    // set edge-triggered and would not see readiness that is older than its wait.
    epoll_event any{};
    if (timeout == 0 || ::epoll_wait(ready.native_handle(), &any, 1, 0) > 0) {
      // Finish the iteration in a handler of its own, so that other work on the executor
      // runs between iterations.
      asio::post(executor, [self = shared_from_this(), gen] { self->wake(gen); });
      return;
    }
    ready.async_wait(asio::posix::descriptor_base::wait_read, [self = shared_from_this(), gen](boost::system::error_code e) {
      if (e != asio::error::operation_aborted) self->wake(gen);
    });
    if (timeout > 0) {
      timer.expires_after(std::chrono::milliseconds(timeout));
      timer.async_wait([self = shared_from_this(), gen](boost::system::error_code e) {
        if (!e) self->wake(gen);
      });
    }
  }

  void release_watches() {
    timer.cancel();
    boost::system::error_code ignored;
    ready.cancel(ignored);
  }

  // The first event of the current wait: finish this iteration and start the next.
  void wake(std::uint64_t gen) {
    if (stopped || !waiting || gen != generation) return;
    waiting = false;
    release_watches();
    // What each descriptor is ready for now, as the poll in g_main_context_iterate would say.
    g_poll(fds.data(), static_cast<guint>(fds.size()), 0);
    if (g_main_context_check(context, max_priority, fds.data(), static_cast<gint>(fds.size())))
      g_main_context_dispatch(context);
    if (!stopped) prepare_and_wait();
  }

  // Ends the wait in progress (if any) and starts a fresh iteration.
  void reschedule() {
    if (stopped || !acquired) return;
    if (waiting) wake(generation);
  }

  void stop() {
    if (stopped) return;
    stopped = true;
    waiting = false;
    release_watches();
    if (acquired) {
      g_main_context_pop_thread_default(context);
      g_main_context_release(context);
    }
    acquired = false;
  }

  ~State() { g_main_context_unref(context); }
};

GlibLoop::GlibLoop(asio::any_io_executor executor) : state_(std::make_shared<State>(std::move(executor))) {
  asio::post(state_->executor, [s = state_] { s->start(); });
}

GlibLoop::~GlibLoop() { state_->stop(); }

void GlibLoop::stop() { state_->stop(); }

GMainContext* GlibLoop::context() const noexcept { return state_->context; }

const asio::any_io_executor& GlibLoop::get_executor() const noexcept { return state_->executor; }

void GlibLoop::post(std::function<void()> fn) {
  asio::post(state_->executor, [s = state_, fn = std::move(fn)] {
    if (s->stopped) return;
    fn();
    // One fresh iteration after a burst of posted functions, not one each.
    if (s->reschedule_posted) return;
    s->reschedule_posted = true;
    asio::post(s->executor, [s] {
      s->reschedule_posted = false;
      s->reschedule();
    });
  });
}

}  // namespace reload::transport
