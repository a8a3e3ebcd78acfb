#include "node/ice_offers.hpp"

#include "node/no_ice_candidates.hpp"
#include "wire/codec.hpp"

namespace reload::node {

transport::IceCredentials random_ice_credentials() {
  auto ufrag = random_token(8), password = random_token(24);
  return {std::string(ufrag.begin(), ufrag.end()), std::string(password.begin(), password.end())};
}

transport::IceOffer ice_offer(wire::Bytes ufrag, wire::Bytes password, const std::vector<wire::IceCandidate>& candidates) {
  return {{std::string(ufrag.begin(), ufrag.end()), std::string(password.begin(), password.end())}, candidates};
}

boost::system::result<wire::Buffer> attach_body(const transport::IceOffer& offer, std::string_view role,
                                                bool send_update) {
  wire::AttachReqAns a;
  a.ufrag = wire::as_bytes(offer.credentials.ufrag);
  a.password = wire::as_bytes(offer.credentials.password);
  a.role = wire::as_bytes(role);
  a.candidates = offer.candidates;
  a.send_update = send_update;
  return wire::encode_to_buffer(a);
}

}  // namespace reload::node
