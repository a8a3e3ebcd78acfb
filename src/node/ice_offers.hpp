// The ICE parts of Attach and AppAttach bodies (RFC 6940 sections 6.5.1.1 and 6.5.2.1):
// fresh credentials for each agent, and the peer's ufrag, password and candidates as an
// IceOffer.
#pragma once

#include <vector>

#include "transport/ice_session.hpp"
#include "wire/attach.hpp"

namespace reload::node {

// A ufrag of 8 and a password of 24 ice-chars from OpenSSL's CSPRNG (RFC 8445 section 5.3
// asks for at least 24 bits and 128 bits of randomness).
transport::IceCredentials random_ice_credentials();

// The candidates stay views into the message they came from.
transport::IceOffer ice_offer(wire::Bytes ufrag, wire::Bytes password, const std::vector<wire::IceCandidate>& candidates);

// An AttachReqAns carrying `offer` (role "passive" for a request, "active" for an answer).
boost::system::result<wire::Buffer> attach_body(const transport::IceOffer& offer, std::string_view role,
                                                bool send_update);

}  // namespace reload::node
