// Who is at the other end of an XMPP stream of the overlay (XEP-0415 section 6.1): the TLS
// peer, verified against the overlay's trust policy by the project's one certificate path
// (transport/peer_verification.hpp, DESIGN.md principle 3), and the bare JID its
// certificate's id-on-xmppAddr carries. The same rule gives our own JID from our own
// certificate, so both ends compare addresses prepared the same way (RFC 7622).
#pragma once

#include <optional>
#include <string>
#include <type_traits>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include "crypto/certificate.hpp"
#include "crypto/certificate_cache.hpp"
#include "transport/peer_verification.hpp"
#include "wire/node_id.hpp"
#include "xmpp/jid.hpp"

typedef struct ssl_st SSL;

namespace reload::xmpp {

// Why a certificate names no usable XMPP address.
enum class xmpp_tls_errc {
  no_xmpp_address = 1,     // no id-on-xmppAddr: not an XMPP user of the overlay
  several_xmpp_addresses,  // more than one: which one the stream may claim would be a guess
  xmpp_address_not_bare,   // it has a resourcepart; XEP-0415 stores and compares bare JIDs
};

const boost::system::error_category& xmpp_tls_category() noexcept;

inline boost::system::error_code make_error_code(xmpp_tls_errc e) noexcept {
  return {static_cast<int>(e), xmpp_tls_category()};
}

// The certificate's one id-on-xmppAddr, prepared with Jid::parse. Errors: xmpp_tls_errc, or
// the jid_category() error of an address that does not prepare.
boost::system::result<Jid> certificate_jid(const crypto::Certificate& certificate);

// A verified peer of an XMPP stream.
struct StreamPeer {
  transport::PeerIdentity identity;  // its certificate and this overlay's Node-IDs in it
  Jid jid;                           // bare and prepared, from the certificate
};

// verify_peer() (the chain must be the overlay's; when `expected` is set the certificate
// must carry that Node-ID), then certificate_jid().
boost::system::result<StreamPeer> verify_stream_peer(SSL* ssl, crypto::CertificateCache& trust,
                                                     const std::optional<wire::NodeId>& expected);

// A peer the overlay's check passed already (an AppAttach stream's): its certificate's JID.
boost::system::result<StreamPeer> stream_peer_of(transport::PeerIdentity identity);

// The ALPN protocol the handshake agreed on; empty when none was, which is what XEP-0415
// section 6.1 requires of these streams.
std::string negotiated_alpn(const SSL* ssl);

}  // namespace reload::xmpp

template <>
struct boost::system::is_error_code_enum<reload::xmpp::xmpp_tls_errc> : std::true_type {};
