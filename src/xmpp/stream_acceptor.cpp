#include "xmpp/stream_acceptor.hpp"

#include <array>
#include <chrono>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <reload/errors.hpp>

#include "crypto/random.hpp"
#include "transport/tcp_acceptor.hpp"
#include "xmpp/stream_handshake.hpp"

namespace reload::xmpp {

using boost::system::error_code;
using AcceptResult = boost::system::result<std::shared_ptr<StreamSession>>;

// RFC 6120 section 4.7.3: unique and unpredictable. 128 random bits, in hex.
boost::system::result<std::string> random_stream_id() {
  std::array<unsigned char, 16> bytes{};
  if (!crypto::fill_random(bytes))
    return make_error_code(crypto_errc::internal);
  static constexpr char digits[] = "0123456789abcdef";
  std::string id;
  id.reserve(2 * bytes.size());
  for (unsigned char b : bytes) {
    id += digits[b >> 4];
    id += digits[b & 0xF];
  }
  return id;
}

asio::awaitable<AcceptResult> accept_stream(asio::ip::tcp::socket socket,
                                            asio::ssl::context& tls,
                                            crypto::CertificateCache& trust, Jid own_jid,
                                            StreamOptions options) {
  error_code ec;
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  StreamSession::Stream stream(std::move(socket), tls);
  auto peer = co_await handshake_stream_peer(stream, asio::ssl::stream_base::server, trust, std::nullopt,
                                             options.handshake_timeout);
  if (!peer) co_return peer.error();
  auto stream_id = random_stream_id();
  if (!stream_id) {
    stream.close();
    co_return stream_id.error();
  }

  PeerStreamSettings settings = std::move(options.stream);
  settings.role = StreamRole::receiver;
  settings.own_jid = own_jid.bare_string();
  settings.peer_jid = peer->jid.bare_string();
  settings.stream_id = std::move(*stream_id);
  co_return std::make_shared<StreamSession>(std::move(stream), std::move(*peer),
                                            std::move(settings), options.shutdown_timeout);
}

StreamAcceptor::StreamAcceptor(asio::any_io_executor ex, asio::ssl::context& tls,
                               crypto::CertificateCache& trust, Jid own_jid,
                               StreamOptions options)
    : acceptor_(std::move(ex)),
      tls_(tls),
      trust_(trust),
      own_jid_(std::move(own_jid)),
      options_(std::move(options)) {}

error_code StreamAcceptor::listen(const asio::ip::tcp::endpoint& at) {
  return transport::listen_on(acceptor_, at);
}

void StreamAcceptor::start(OnSession on_session) {
  on_session_ = std::move(on_session);
  auto self = shared_from_this();
  asio::co_spawn(acceptor_.get_executor(),
                 transport::accept_each(acceptor_, [self](asio::ip::tcp::socket s) { return self->serve(std::move(s)); }),
                 asio::detached);
}

void StreamAcceptor::stop() {
  error_code ignored;
  acceptor_.close(ignored);
}

asio::ip::tcp::endpoint StreamAcceptor::local_endpoint() const {
  error_code ec;
  return acceptor_.local_endpoint(ec);
}

asio::awaitable<void> StreamAcceptor::serve(asio::ip::tcp::socket socket) {
  auto self = shared_from_this();
  auto session = co_await accept_stream(std::move(socket), tls_, trust_, own_jid_, options_);
  if (on_session_) on_session_(std::move(session));
}

}  // namespace reload::xmpp
