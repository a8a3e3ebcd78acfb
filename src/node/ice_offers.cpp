#include "node/ice_offers.hpp"

#include "node/no_ice_candidates.hpp"

namespace reload::node {

transport::IceCredentials random_ice_credentials() {
  auto ufrag = random_token(8), password = random_token(24);
  return {std::string(ufrag.begin(), ufrag.end()), std::string(password.begin(), password.end())};
}

transport::IceOffer ice_offer(wire::Bytes ufrag, wire::Bytes password, const std::vector<wire::IceCandidate>& candidates) {
  return {{std::string(ufrag.begin(), ufrag.end()), std::string(password.begin(), password.end())}, candidates};
}

}  // namespace reload::node
