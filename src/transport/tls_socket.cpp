#include "transport/tls_socket.hpp"

#include <cerrno>
#include <cstdint>

#include <sys/socket.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace reload::transport {

using boost::system::error_code;

namespace {

// OpenSSL's socket BIO writes with write(2), which raises SIGPIPE when the peer has reset
// the connection; a library must not kill the program it lives in, so this BIO sends with
// MSG_NOSIGNAL. It reads and writes the descriptor and nothing else.
int descriptor_of(BIO* b) { return static_cast<int>(reinterpret_cast<std::intptr_t>(BIO_get_data(b))); }

bool would_block(int error) { return error == EAGAIN || error == EWOULDBLOCK || error == EINTR; }

int socket_bio_write(BIO* b, const char* data, int length) {
  BIO_clear_retry_flags(b);
  const auto n = ::send(descriptor_of(b), data, static_cast<std::size_t>(length), MSG_NOSIGNAL);
  if (n < 0 && would_block(errno)) BIO_set_retry_write(b);
  return static_cast<int>(n);
}

int socket_bio_read(BIO* b, char* data, int length) {
  BIO_clear_retry_flags(b);
  const auto n = ::recv(descriptor_of(b), data, static_cast<std::size_t>(length), 0);
  if (n < 0 && would_block(errno)) BIO_set_retry_read(b);
  return static_cast<int>(n);
}

long socket_bio_ctrl(BIO*, int command, long, void*) { return command == BIO_CTRL_FLUSH ? 1 : 0; }

int socket_bio_create(BIO* b) {
  BIO_set_init(b, 1);
  return 1;
}

const BIO_METHOD* socket_bio_method() {
  static const std::unique_ptr<BIO_METHOD, decltype(&BIO_meth_free)> method = [] {
    std::unique_ptr<BIO_METHOD, decltype(&BIO_meth_free)> m(
        BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR, "reload socket"),
        &BIO_meth_free);
    if (m && (BIO_meth_set_write(m.get(), socket_bio_write) != 1 ||
              BIO_meth_set_read(m.get(), socket_bio_read) != 1 ||
              BIO_meth_set_ctrl(m.get(), socket_bio_ctrl) != 1 ||
              BIO_meth_set_create(m.get(), socket_bio_create) != 1))
      m.reset();
    return m;
  }();
  return method.get();
}

}  // namespace

void TlsSocket::SslFree::operator()(SSL* ssl) const noexcept { SSL_free(ssl); }

TlsSocket::TlsSocket(asio::ip::tcp::socket socket, asio::ssl::context& context)
    : socket_(std::move(socket)), ssl_(SSL_new(context.native_handle())) {
  error_code ec;
  socket_.non_blocking(true, ec);
  if (!ssl_) return;
  const BIO_METHOD* method = socket_bio_method();
  BIO* bio = method && !ec ? BIO_new(method) : nullptr;
  if (!bio) {
    ssl_.reset();
    return;
  }
  BIO_set_data(bio, reinterpret_cast<void*>(static_cast<std::intptr_t>(socket_.native_handle())));
  SSL_set_bio(ssl_.get(), bio, bio);  // one reference, owned by the SSL from here
  // Record buffers only while a record is in flight; read_ahead takes in whatever the
  // socket holds with one read() instead of a header read and a body read per record.
  SSL_set_mode(ssl_.get(), SSL_MODE_RELEASE_BUFFERS);
  SSL_set_read_ahead(ssl_.get(), 1);
}

TlsSocket::TlsSocket(TlsSocket&&) noexcept = default;
TlsSocket& TlsSocket::operator=(TlsSocket&&) noexcept = default;
TlsSocket::~TlsSocket() = default;

void TlsSocket::close() noexcept {
  error_code ignored;
  socket_.close(ignored);
}

namespace {

// What an SSL call that returned `result` <= 0 needs: the socket to become ready, or
// nothing more (the call failed with `error`). Read right after the call: errno and
// OpenSSL's error queue belong to the thread.
struct Stall {
  bool wait = false;
  asio::socket_base::wait_type on = asio::socket_base::wait_read;
  error_code error;
};

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
// for the socket in between, or gives its error. Nothing is called once the socket is
// closed: its descriptor's number may belong to another socket by then.
template <class Call>
asio::awaitable<error_code> until_done(asio::ip::tcp::socket& socket, SSL* ssl, Call call) {
  for (;;) {
    if (!socket.is_open()) co_return asio::error::operation_aborted;
    ERR_clear_error();
    errno = 0;
    const int r = call();
    if (r == 1) co_return error_code{};
    const Stall stall = stall_of(ssl, r);
    if (!stall.wait) co_return stall.error;
    error_code ec;
    co_await socket.async_wait(stall.on, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return ec;
  }
}

}  // namespace

asio::awaitable<error_code> TlsSocket::handshake(asio::ssl::stream_base::handshake_type role) {
  if (!ssl_) co_return make_error_code(boost::system::errc::not_enough_memory);
  if (role == asio::ssl::stream_base::client)
    SSL_set_connect_state(ssl_.get());
  else
    SSL_set_accept_state(ssl_.get());
  co_return co_await until_done(socket_, ssl_.get(), [this] { return SSL_do_handshake(ssl_.get()); });
}

asio::awaitable<error_code> TlsSocket::read_some(std::span<std::uint8_t> into, std::size_t& n) {
  n = 0;
  if (!ssl_) co_return asio::error::not_connected;
  co_return co_await until_done(socket_, ssl_.get(),
                                [&] { return SSL_read_ex(ssl_.get(), into.data(), into.size(), &n); });
}

asio::awaitable<error_code> TlsSocket::write_all(std::span<const std::uint8_t> bytes) {
  if (!ssl_) co_return asio::error::not_connected;
  while (!bytes.empty()) {
    std::size_t written = 0;
    // A retry after WANT_* passes the same bytes again, as SSL_write requires.
    auto ec = co_await until_done(socket_, ssl_.get(), [&] {
      return SSL_write_ex(ssl_.get(), bytes.data(), bytes.size(), &written);
    });
    if (ec) co_return ec;
    bytes = bytes.subspan(written);
  }
  co_return error_code{};
}

}  // namespace reload::transport
