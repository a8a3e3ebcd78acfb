// The addresses a peer can reach this node's listener at. A listener bound to one address
// is reached there; one bound to the wildcard (0.0.0.0 or ::) is reached at the host's
// interface addresses, never at the wildcard itself, which a peer would take for its own
// host. Advertised in Attach candidates (RFC 6940 section 6.5.1).
#pragma once

#include <vector>

#include <boost/asio/ip/address.hpp>

namespace reload::node {

// For a wildcard: the addresses of the interfaces that are up, of the wildcard's family (::
// also takes IPv4 ones, as a dual-stack socket accepts them), without link-local IPv6
// addresses (they need a scope a peer cannot know); loopback last, as the least useful.
std::vector<boost::asio::ip::address> reachable_addresses(const boost::asio::ip::address& bound);

}  // namespace reload::node
