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
  StreamSession::Stream stream(ex, tls);
  boost::system::result<StreamPeer> peer = asio::error::timed_out;
  {
    // One deadline for connect and handshake together: what the caller waits for.
    SocketDeadline deadline(stream, options.handshake_timeout);
    error_code ec;
    co_await stream.lowest_layer().async_connect(target.endpoint,
                                                 asio::redirect_error(asio::use_awaitable, ec));
    if (deadline.expired())
      peer = asio::error::timed_out;
    else if (ec)
      peer = ec;
    else {
      stream.lowest_layer().set_option(asio::ip::tcp::no_delay(true), ec);
      peer = co_await handshake_stream_peer(stream, asio::ssl::stream_base::client, trust,
                                            target.node_id, deadline);
    }
  }
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
