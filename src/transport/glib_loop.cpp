#include "transport/glib_loop.hpp"

#include <chrono>
#include <cstdint>
#include <vector>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <glib.h>

namespace reload::transport {

struct GlibLoop::State : std::enable_shared_from_this<GlibLoop::State> {
  explicit State(asio::any_io_executor ex) : executor(std::move(ex)), timer(executor) {}

  asio::any_io_executor executor;
  GMainContext* context = g_main_context_new();
  bool acquired = false;
  bool stopped = false;
  bool waiting = false;       // an iteration is between query and check
  bool reschedule_posted = false;
  std::uint64_t generation = 0;
  gint max_priority = 0;
  std::vector<GPollFD> fds;
  std::vector<asio::posix::stream_descriptor> watched;
  asio::steady_timer timer;

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
    if (timeout == 0) {
      // A source is ready now: finish the iteration in a handler of its own, so that other
      // work on the executor runs between iterations.
      asio::post(executor, [self = shared_from_this(), gen] { self->wake(gen); });
      return;
    }
    for (const GPollFD& p : fds) {
      const bool in = p.events & (G_IO_IN | G_IO_PRI | G_IO_HUP | G_IO_ERR);
      const bool out = p.events & G_IO_OUT;
      if (!in && !out) continue;
      auto& d = watched.emplace_back(executor);
      boost::system::error_code ec;
      d.assign(p.fd, ec);
      if (ec) {
        // GLib listed this descriptor twice and epoll refuses a second registration: the
        // first watcher covers it.
        watched.pop_back();
        continue;
      }
      auto on_ready = [self = shared_from_this(), gen](boost::system::error_code e) {
        if (e != asio::error::operation_aborted) self->wake(gen);
      };
      if (in) d.async_wait(asio::posix::descriptor_base::wait_read, on_ready);
      if (out) d.async_wait(asio::posix::descriptor_base::wait_write, on_ready);
    }
    if (timeout > 0) {
      timer.expires_after(std::chrono::milliseconds(timeout));
      timer.async_wait([self = shared_from_this(), gen](boost::system::error_code e) {
        if (!e) self->wake(gen);
      });
    }
  }

  void release_watches() {
    timer.cancel();
    for (auto& d : watched) {
      boost::system::error_code ignored;
      d.cancel(ignored);
      (void)d.release();  // GLib's descriptor: never close it
    }
    watched.clear();
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
