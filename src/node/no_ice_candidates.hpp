// Attach candidates for TLS-TCP-FH-NO-ICE links (RFC 6940 section 6.6.5): a single host
// candidate naming this node's listener, marked passive with the RFC 6544 "tcptype" ICE
// extension; the Attach answerer connects to the requester's passive candidate.
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

wire::IceCandidate passive_tls_candidate(const boost::asio::ip::tcp::endpoint& listener,
                                         const NoIceCandidateStorage& storage);

// The endpoint of the first TLS-TCP-FH-NO-ICE candidate, or nothing.
std::optional<boost::asio::ip::tcp::endpoint> find_tls_candidate(const wire::AttachReqAns& a);

// `n` random letters and digits (ICE ufrag and password characters), from the CSPRNG: the
// password is what authenticates the ICE checks (RFC 8445 section 5.3).
wire::Buffer random_token(std::size_t n);

}  // namespace reload::node
