// The one TLS set-up of overlay links and XMPP streams (DESIGN.md principle 3): TLS 1.2 or
// newer (DTLS 1.2 over datagrams), mutual authentication with the node's certificate, no ALPN, and SSLKEYLOGFILE
// honoured so captures can be read in Wireshark.
//
// OpenSSL's own chain check cannot express RELOAD's rules (empty subjects, reload:// URIs,
// self-signed overlays), so the handshake accepts any certificate the peer proves it holds
// the key of, and verify_peer() (peer_verification.hpp) applies the overlay's trust policy
// before a single byte of the link is read.
#pragma once

#include <memory>
#include <vector>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/result.hpp>

#include "crypto/certificate.hpp"
#include "crypto/private_key.hpp"

typedef struct ssl_st SSL;

namespace reload::transport {

struct TlsIdentity {
  crypto::PrivateKey key;
  crypto::Certificate certificate;
  // Sent along in the handshake when the certificate was issued by a subordinate CA.
  std::vector<crypto::Certificate> intermediates = {};
};

// TLS 1.2 or newer for streams (TCP, an ICE byte stream), DTLS 1.2 for datagrams (an ICE
// datagram flow, DTLS-UDP-SR). Everything else is the same for both.
enum class TlsFlavor { tls, dtls };

boost::system::result<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(
    const TlsIdentity& identity, TlsFlavor flavor = TlsFlavor::tls);

// Makes a DTLS server (of a TlsFlavor::dtls context) answer the first ClientHello with a
// HelloVerifyRequest and go on only when the ClientHello that follows returns its cookie.
void require_cookie_exchange(SSL* ssl);

}  // namespace reload::transport
