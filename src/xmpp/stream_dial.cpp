#include "xmpp/stream_dial.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "xmpp/stream_handshake.hpp"

namespace reload::xmpp {

using boost::system::error_code;
using DialResult = boost::system::result<std::shared_ptr<StreamSession>>;

asio::awaitable<DialResult> dial_stream(StreamDialTarget target, asio::ssl::context& tls,
                                        crypto::CertificateCache& trust, Jid own_jid,
                                        StreamOptions options) {
  auto ex = co_await asio::this_coro::executor;
  asio::ip::tcp::socket socket(ex);
  // One deadline for connect and handshake together: what the caller waits for.
  const auto began = std::chrono::steady_clock::now();
  error_code ec;
  {
    SocketDeadline deadline(socket, options.handshake_timeout);
    co_await socket.async_connect(target.endpoint, asio::redirect_error(asio::use_awaitable, ec));
    if (deadline.expired()) co_return asio::error::timed_out;
    if (ec) co_return ec;
  }
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  const auto left = options.handshake_timeout -
                    std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began);
  StreamSession::Stream stream(std::move(socket), tls);
  auto peer = co_await handshake_stream_peer(stream, asio::ssl::stream_base::client, trust, target.node_id,
                                             std::max(left, std::chrono::milliseconds(1)));
  if (!peer) co_return peer.error();

  PeerStreamSettings settings = std::move(options.stream);
  settings.role = StreamRole::initiator;
  settings.own_jid = own_jid.bare_string();
  settings.peer_jid = peer->jid.bare_string();
  settings.stream_id.clear();
  co_return std::make_shared<StreamSession>(std::move(stream), std::move(*peer),
                                            std::move(settings), options.shutdown_timeout);
}

}  // namespace reload::xmpp
