// Attach candidates for No-ICE links: host candidates naming this node's listener, for
// TLS-TCP-FH-NO-ICE (RFC 6940 section 6.6.5; marked passive with the RFC 6544 "tcptype" ICE
// extension) or DTLS-UDP-SR-NO-ICE (section 6.6.4); the Attach answerer dials the requester's
// first one.
#pragma once

#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "wire/attach.hpp"

namespace reload::node {

// Backing bytes for the views of a candidate built here: keep it alive until encoded.
struct NoIceCandidateStorage {
  std::string foundation = "1";
  std::string tcptype_name = "tcptype";
  std::string tcptype_value = "passive";
};

// `type` is TLS-TCP-FH-NO-ICE or DTLS-UDP-SR-NO-ICE; `listener`'s port is TCP's or UDP's.
wire::IceCandidate passive_no_ice_candidate(const boost::asio::ip::tcp::endpoint& listener, wire::OverlayLinkType type,
                                            const NoIceCandidateStorage& storage);

// The first No-ICE candidate of a type this node dials (TLS-TCP-FH-NO-ICE or
// DTLS-UDP-SR-NO-ICE), or nothing. The port is TCP's or UDP's, as the type says.
struct NoIceTarget {
  boost::asio::ip::tcp::endpoint at;
  wire::OverlayLinkType type;
};
std::optional<NoIceTarget> find_no_ice_candidate(const wire::AttachReqAns& a);

// `n` random letters and digits (ICE ufrag and password characters), from the CSPRNG: the
// password is what authenticates the ICE checks (RFC 8445 section 5.3).
wire::Buffer random_token(std::size_t n);

}  // namespace reload::node
