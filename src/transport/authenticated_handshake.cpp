#include "transport/authenticated_handshake.hpp"

#include "transport/handshake_deadline.hpp"

namespace reload::transport {

asio::awaitable<boost::system::result<PeerIdentity>> authenticated_handshake(
    TlsSocket& socket, asio::ssl::stream_base::handshake_type role, crypto::CertificateCache& trust,
    const std::optional<wire::NodeId>& expected, std::chrono::milliseconds timeout) {
  boost::system::error_code ec;
  bool expired = false;
  {
    HandshakeDeadline deadline(socket.get_executor(), timeout, [&socket, &expired] {
      expired = true;
      socket.close();
    });
    ec = co_await socket.handshake(role);
  }
  if (expired) co_return asio::error::timed_out;  // not the operation_aborted the close gave
  if (ec) co_return ec;
  auto peer = verify_peer(socket.native_handle(), trust, expected);
  if (!peer) socket.close();
  co_return peer;
}

}  // namespace reload::transport
