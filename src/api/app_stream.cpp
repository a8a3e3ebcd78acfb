#include "api/app_stream_impl.hpp"

#include <span>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/error.hpp>

#include "wire/attach.hpp"

namespace reload {

namespace asio = boost::asio;
using boost::system::error_code;

AppStream::AppStream() = default;
AppStream::AppStream(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
AppStream::~AppStream() { close(); }
AppStream::AppStream(AppStream&&) noexcept = default;
AppStream& AppStream::operator=(AppStream&& other) noexcept {
  if (this != &other) {
    close();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

bool AppStream::is_open() const noexcept { return impl_ && impl_->stream.socket && !impl_->closed; }
std::string AppStream::peer() const { return impl_ ? impl_->stream.peer.hex() : std::string(); }
std::string AppStream::peer_user() const {
  if (!impl_ || !impl_->stream.identity) return {};
  const auto& names = impl_->stream.identity->certificate.user_names();
  return names.empty() ? std::string() : names.front();
}
std::uint16_t AppStream::application() const noexcept { return impl_ ? impl_->stream.application : 0; }
std::string AppStream::local_candidate() const {
  return impl_ && impl_->stream.pair ? std::string(wire::cand_type_name(impl_->stream.pair->local)) : std::string();
}
std::string AppStream::remote_candidate() const {
  return impl_ && impl_->stream.pair ? std::string(wire::cand_type_name(impl_->stream.pair->remote)) : std::string();
}
AppStream::executor_type AppStream::get_executor() const noexcept {
  return impl_ && impl_->stream.socket ? impl_->stream.socket->get_executor() : executor_type();
}

void AppStream::close() noexcept {
  if (!impl_ || impl_->closed || !impl_->stream.socket) return;
  impl_->closed = true;
  impl_->stream.socket->close();
}

void AppStream::read_some(asio::mutable_buffer into, std::function<void(error_code, std::size_t)> done) {
  if (!is_open()) return done(impl_ ? asio::error::operation_aborted : asio::error::not_connected, 0);
  if (into.size() == 0) return done({}, 0);
  // The coroutine holds the stream's state: the AppStream may be moved or destroyed (and
  // closed) while the read waits.
  asio::co_spawn(
      impl_->stream.socket->get_executor(),
      [impl = impl_, into, done = std::move(done)]() -> asio::awaitable<void> {
        std::size_t n = 0;
        const auto ec = co_await impl->stream.socket->read_some(
            std::span<std::uint8_t>(static_cast<std::uint8_t*>(into.data()), into.size()), n);
        done(impl->closed ? asio::error::operation_aborted : ec, ec ? 0 : n);
      },
      asio::detached);
}

void AppStream::write_some(asio::const_buffer from, std::function<void(error_code, std::size_t)> done) {
  if (!is_open()) return done(impl_ ? asio::error::operation_aborted : asio::error::not_connected, 0);
  if (from.size() == 0) return done({}, 0);
  asio::co_spawn(
      impl_->stream.socket->get_executor(),
      [impl = impl_, from, done = std::move(done)]() -> asio::awaitable<void> {
        const auto ec = co_await impl->stream.socket->write_all(
            std::span<const std::uint8_t>(static_cast<const std::uint8_t*>(from.data()), from.size()));
        done(impl->closed ? asio::error::operation_aborted : ec, ec ? 0 : from.size());
      },
      asio::detached);
}

void AppStream::shutdown(std::function<void(error_code)> done) {
  if (!is_open()) return done(impl_ ? asio::error::operation_aborted : asio::error::not_connected);
  asio::co_spawn(
      impl_->stream.socket->get_executor(),
      [impl = impl_, done = std::move(done)]() -> asio::awaitable<void> {
        const auto ec = co_await impl->stream.socket->send_close_notify();
        done(impl->closed ? asio::error::operation_aborted : ec);
      },
      asio::detached);
}

}  // namespace reload
