#include "transport/tls_socket.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cerrno>
#include <cstdint>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "transport/tcp_channel.hpp"

namespace reload::transport {

using boost::system::error_code;
using namespace boost::asio::experimental::awaitable_operators;

namespace {

// The BIO between OpenSSL and the channel. A channel failure goes back through errno,
// where stall_of() looks for it after SSL_get_error() says SSL_ERROR_SYSCALL.
ByteChannel& channel_of(BIO* b) { return *static_cast<ByteChannel*>(BIO_get_data(b)); }

int bio_result(BIO* b, std::size_t n, const error_code& ec, void (*set_retry)(BIO*)) {
  if (!ec) return static_cast<int>(n);
  if (ec == asio::error::would_block) {
    set_retry(b);
    return -1;
  }
  if (ec == asio::error::eof) return 0;
  const auto& category = ec.category();
  errno = category == boost::system::system_category() || category == boost::system::generic_category()
              ? ec.value()
              : EIO;
  return -1;
}

void set_retry_read(BIO* b) { BIO_set_retry_read(b); }
void set_retry_write(BIO* b) { BIO_set_retry_write(b); }

int channel_bio_write(BIO* b, const char* data, int length) {
  BIO_clear_retry_flags(b);
  error_code ec;
  const auto n = channel_of(b).write_some(
      {reinterpret_cast<const std::uint8_t*>(data), static_cast<std::size_t>(length)}, ec);
  return bio_result(b, n, ec, set_retry_write);
}

int channel_bio_read(BIO* b, char* data, int length) {
  BIO_clear_retry_flags(b);
  error_code ec;
  const auto n = channel_of(b).read_some({reinterpret_cast<std::uint8_t*>(data), static_cast<std::size_t>(length)}, ec);
  return bio_result(b, n, ec, set_retry_read);
}

long channel_bio_ctrl(BIO*, int command, long, void*) { return command == BIO_CTRL_FLUSH ? 1 : 0; }

int channel_bio_create(BIO* b) {
  BIO_set_init(b, 1);
  return 1;
}

// Never freed: a socket may outlive every static of the program (an io_context with static
// storage destroys its queued handlers, sessions and their SSL objects among them, at exit,
// after function-local statics such as this one are gone). Freed, the method went first and
// SSL_free read it afterwards.
const BIO_METHOD* channel_bio_method() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "reload channel");
    if (m && (BIO_meth_set_write(m, channel_bio_write) != 1 || BIO_meth_set_read(m, channel_bio_read) != 1 ||
              BIO_meth_set_ctrl(m, channel_bio_ctrl) != 1 || BIO_meth_set_create(m, channel_bio_create) != 1)) {
      BIO_meth_free(m);
      m = nullptr;
    }
    return m;
  }();
  return method;
}

// Out of line, so that no caller keeps the thread's buffer address across a suspension
// (g++ may cache a thread_local's address in a coroutine frame).
[[gnu::noinline]] std::span<std::uint8_t> thread_read_buffer() {
  thread_local std::array<std::uint8_t, 16 * 1024> buffer;
  return buffer;
}

}  // namespace

void TlsSocket::SslFree::operator()(SSL* ssl) const noexcept { SSL_free(ssl); }

TlsSocket::TlsSocket(asio::ip::tcp::socket socket, asio::ssl::context& context)
    : TlsSocket(std::make_unique<TcpChannel>(std::move(socket)), context) {}

TlsSocket::TlsSocket(std::unique_ptr<ByteChannel> channel, asio::ssl::context& context)
    : channel_(std::move(channel)), ssl_(SSL_new(context.native_handle())) {
  if (!ssl_) return;
  const BIO_METHOD* method = channel_bio_method();
  BIO* bio = method ? BIO_new(method) : nullptr;
  if (!bio) {
    ssl_.reset();
    return;
  }
  BIO_set_data(bio, channel_.get());
  SSL_set_bio(ssl_.get(), bio, bio);  // one reference, owned by the SSL from here
  // Record buffers only while a record is in flight; read_ahead takes in whatever the
  // socket holds with one read() instead of a header read and a body read per record.
  SSL_set_mode(ssl_.get(), SSL_MODE_RELEASE_BUFFERS);
  // A write that stalled is retried with the same bytes, but write_now()'s caller hands them
  // to write_all() in a buffer of its own.
  SSL_set_mode(ssl_.get(), SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (channel_->datagrams()) {
    // DTLS: records packed into datagrams of at most dtls_datagram_size (the channel's
    // datagrams are what ICE sends in one UDP payload; no path MTU discovery through ICE),
    // and a first retransmission after 100 ms instead of OpenSSL's 1 s (ICE-NOTES.md).
    SSL_set_options(ssl_.get(), SSL_OP_NO_QUERY_MTU);
    DTLS_set_link_mtu(ssl_.get(), dtls_datagram_size);
    DTLS_set_timer_cb(ssl_.get(), [](SSL*, unsigned int previous_us) -> unsigned int {
      return previous_us == 0 ? 100'000 : std::min(previous_us * 2, 60'000'000u);
    });
  } else {
    SSL_set_read_ahead(ssl_.get(), 1);
  }
}

std::size_t TlsSocket::max_record_payload() const noexcept {
  return ssl_ && channel_->datagrams() ? DTLS_get_data_mtu(ssl_.get()) : 0;
}

TlsSocket::TlsSocket(TlsSocket&&) noexcept = default;
TlsSocket& TlsSocket::operator=(TlsSocket&&) noexcept = default;
TlsSocket::~TlsSocket() = default;

void TlsSocket::close() noexcept {
  if (channel_) channel_->close();
}

namespace {

// What an SSL call that returned `result` <= 0 needs: the channel to become ready, or
// nothing more (the call failed with `error`). Read right after the call: errno and
// OpenSSL's error queue belong to the thread.
struct Stall {
  bool wait = false;
  asio::socket_base::wait_type on = asio::socket_base::wait_read;
  error_code error;
};

// SSL_get_error reads the thread's error queue, which must be empty before the call it
// explains. It nearly always is (stall_of empties it after each failure), and an
// ERR_clear_error resets every slot of it even then: hundreds of instructions per stanza.
void clear_error_queue() {
  if (ERR_peek_error() != 0) ERR_clear_error();
}

Stall stall_of(SSL* ssl, int result) {
  const int why = SSL_get_error(ssl, result);
  if (why == SSL_ERROR_WANT_READ) return {true, asio::socket_base::wait_read, {}};
  if (why == SSL_ERROR_WANT_WRITE) return {true, asio::socket_base::wait_write, {}};
  if (why == SSL_ERROR_ZERO_RETURN) return {false, {}, asio::error::eof};
  const int sys = errno;
  const unsigned long queued = ERR_get_error();
  ERR_clear_error();
  if (queued == 0) {
    if (why != SSL_ERROR_SYSCALL) return {false, {}, asio::error::operation_not_supported};  // a callback's WANT_*
    if (sys != 0) return {false, {}, error_code(sys, boost::system::system_category())};
    return {false, {}, asio::ssl::error::stream_truncated};
  }
  if (ERR_GET_LIB(queued) == ERR_LIB_SSL && ERR_GET_REASON(queued) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
    return {false, {}, asio::ssl::error::stream_truncated};
  return {false, {}, error_code(static_cast<int>(queued), asio::error::get_ssl_category())};
}

// Makes `call` (an SSL function that returns 1 on success) until it succeeds, waiting
// for the channel in between, or gives its error. Nothing is called once the channel is
// closed: a descriptor's number may belong to another socket by then.
template <class Call>
asio::awaitable<error_code> until_done(ByteChannel& channel, SSL* ssl, Call call) {
  for (;;) {
    if (!channel.is_open()) co_return asio::error::operation_aborted;
    clear_error_queue();
    errno = 0;
    const int r = call();
    if (r == 1) co_return error_code{};
    const Stall stall = stall_of(ssl, r);
    if (!stall.wait) co_return stall.error;
    timeval left{};
    if (channel.datagrams() && DTLSv1_get_timeout(ssl, &left) == 1) {
      // DTLS sends its flight again when the peer's answer does not come (RFC 6347 section
      // 4.2.4): wait for the channel or the retransmission timer, whichever is first.
      asio::steady_timer timer(channel.get_executor(),
                               std::chrono::seconds(left.tv_sec) + std::chrono::microseconds(left.tv_usec));
      auto first = co_await (channel.wait(stall.on) || timer.async_wait(asio::as_tuple(asio::use_awaitable)));
      if (first.index() == 1) {
        if (DTLSv1_handle_timeout(ssl) < 0) co_return asio::error::timed_out;
      } else if (error_code ec = std::get<0>(first)) {
        co_return ec;
      }
      continue;
    }
    if (error_code ec = co_await channel.wait(stall.on)) co_return ec;
  }
}

}  // namespace

asio::awaitable<error_code> TlsSocket::handshake(asio::ssl::stream_base::handshake_type role) {
  if (!ssl_) co_return make_error_code(boost::system::errc::not_enough_memory);
  if (role == asio::ssl::stream_base::client)
    SSL_set_connect_state(ssl_.get());
  else
    SSL_set_accept_state(ssl_.get());
  co_return co_await until_done(*channel_, ssl_.get(), [this] { return SSL_do_handshake(ssl_.get()); });
}

asio::awaitable<error_code> TlsSocket::send_close_notify() {
  if (!ssl_) co_return asio::error::not_connected;
  // SSL_shutdown gives 0 once our alert is out and 1 once the peer's came too: either is done.
  co_return co_await until_done(*channel_, ssl_.get(), [this] {
    const int r = SSL_shutdown(ssl_.get());
    return r >= 0 ? 1 : r;
  });
}

asio::awaitable<error_code> TlsSocket::read_some(std::span<std::uint8_t> into, std::size_t& n) {
  n = 0;
  if (!ssl_) co_return asio::error::not_connected;
  co_return co_await until_done(*channel_, ssl_.get(),
                                [&] { return SSL_read_ex(ssl_.get(), into.data(), into.size(), &n); });
}

asio::awaitable<error_code> TlsSocket::read_some(Sink take) {
  if (!ssl_) co_return asio::error::not_connected;
  co_return co_await until_done(*channel_, ssl_.get(), [&] {
    const auto buffer = thread_read_buffer();
    std::size_t n = 0;
    const int r = SSL_read_ex(ssl_.get(), buffer.data(), buffer.size(), &n);
    if (r == 1) take(buffer.first(n));
    return r;
  });
}

std::size_t TlsSocket::write_now(std::span<const std::uint8_t> bytes, error_code& ec) {
  ec = {};
  if (!ssl_)
    ec = asio::error::not_connected;
  else if (!channel_->is_open())
    ec = asio::error::operation_aborted;
  else if (channel_->datagrams() && bytes.size() > max_record_payload())
    ec = asio::error::message_size;
  if (ec || bytes.empty()) return 0;
  clear_error_queue();
  errno = 0;
  std::size_t written = 0;
  const int r = SSL_write_ex(ssl_.get(), bytes.data(), bytes.size(), &written);
  if (r == 1) return written;  // all of them: partial writes are not enabled
  const Stall stall = stall_of(ssl_.get(), r);
  ec = stall.wait ? error_code(asio::error::would_block) : stall.error;
  return 0;
}

asio::awaitable<error_code> TlsSocket::write_all(std::span<const std::uint8_t> bytes) {
  if (!ssl_) co_return asio::error::not_connected;
  // DTLS does not split application data: one write is one record in one datagram.
  if (channel_->datagrams() && bytes.size() > max_record_payload()) co_return asio::error::message_size;
  while (!bytes.empty()) {
    std::size_t written = 0;
    // A retry after WANT_* passes the same bytes again, as SSL_write requires.
    auto ec = co_await until_done(*channel_, ssl_.get(), [&] {
      return SSL_write_ex(ssl_.get(), bytes.data(), bytes.size(), &written);
    });
    if (ec) co_return ec;
    bytes = bytes.subspan(written);
  }
  co_return error_code{};
}

}  // namespace reload::transport
