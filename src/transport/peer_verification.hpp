// Who is at the other end of a TLS session, checked against the overlay's trust policy
// right after the handshake (RFC 6940 section 6.6.5 links; XEP-0415 streams).
#pragma once

#include <optional>
#include <vector>

#include <boost/system/result.hpp>

#include "crypto/certificate.hpp"
#include "crypto/certificate_cache.hpp"
#include "wire/node_id.hpp"

typedef struct ssl_st SSL;

namespace reload::transport {

struct PeerIdentity {
  crypto::Certificate certificate;
  std::vector<wire::NodeId> node_ids;  // those of this overlay, from the certificate
};

// The peer's certificate must chain to the overlay's roots (or be a permitted self-signed
// one) and, when `expected` is set (we dialled a Node-ID), carry that Node-ID.
boost::system::result<PeerIdentity> verify_peer(SSL* ssl, crypto::CertificateCache& cache,
                                                const std::optional<wire::NodeId>& expected);

}  // namespace reload::transport
