// The (D)TLS handshake of every link type, then the overlay's check of the peer (DESIGN.md
// principle 3: written once): within `timeout` (a peer that connects and says nothing must not
// hold a slot), and the certificate must chain to the overlay's roots and carry `expected`
// when it is given. On any failure the socket is closed.
#pragma once

#include <chrono>
#include <optional>

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include "crypto/certificate_cache.hpp"
#include "transport/peer_verification.hpp"
#include "transport/tls_socket.hpp"

namespace reload::transport {

asio::awaitable<boost::system::result<PeerIdentity>> authenticated_handshake(
    TlsSocket& socket, asio::ssl::stream_base::handshake_type role, crypto::CertificateCache& trust,
    const std::optional<wire::NodeId>& expected, std::chrono::milliseconds timeout);

}  // namespace reload::transport
