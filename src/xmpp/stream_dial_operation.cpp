// async_dial_stream()'s body. A file of its own: with dial_stream()'s coroutine in the same
// file, g++ 12 at -O2 inlines the frame's allocation next to co_spawn's deallocation and
// reports a mismatched new/delete that is not there (-Wmismatched-new-delete).
#include <exception>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>

#include "xmpp/stream_dial.hpp"

namespace reload::xmpp {

using boost::system::error_code;
using DialResult = boost::system::result<std::shared_ptr<StreamSession>>;

namespace detail {

void start_dial_stream(asio::any_io_executor ex, StreamDialTarget target,
                       asio::ssl::context& tls, crypto::CertificateCache& trust, Jid own_jid,
                       StreamOptions options,
                       asio::any_completion_handler<DialStreamSignature> handler) {
  // The handler's executor must not run out of work while the dial is under way.
  auto work = asio::make_work_guard(asio::get_associated_executor(handler, ex));
  asio::co_spawn(
      ex,
      dial_stream(std::move(target), tls, trust, std::move(own_jid), std::move(options)),
      [handler = std::move(handler), work = std::move(work)](std::exception_ptr failure,
                                                             DialResult made) mutable {
        // Only a programming error or exhausted memory throws; not ours to hide.
        if (failure) std::rethrow_exception(failure);
        error_code ec;
        std::shared_ptr<StreamSession> session;
        if (made)
          session = std::move(*made);
        else
          ec = made.error();
        auto handler_ex = work.get_executor();
        work.reset();
        asio::dispatch(handler_ex, [handler = std::move(handler), ec,
                                    session = std::move(session)]() mutable {
          std::move(handler)(ec, std::move(session));
        });
      });
}

}  // namespace detail

}  // namespace reload::xmpp
