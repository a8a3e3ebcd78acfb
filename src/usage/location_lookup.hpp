// Looking up a user's devices in the overlay (XEP-0415 section 5): Fetch every entry of the
// XMPP-LOCATION dictionary at the Resource-ID of the prepared bare JID, and follow
// address-type entries (forwarding to another user) breadth-first, at most
// `max_forwards` of them, each user fetched once: an address already visited is a loop,
// reported, never followed. Completion tokens as DESIGN.md principle 8 (a callback,
// asio::use_awaitable, ...); the handler gets the devices of every user reached.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include "node/storage_client.hpp"
#include "usage/location_records.hpp"
#include "xmpp/jid.hpp"

namespace reload::usage {

enum class lookup_errc {
  no_location = 1,    // no user reached has a device
  forwarding_loop,    // ... and an address-type entry led back to a user already visited
  too_many_forwards,  // ... and more forwards were left than max_forwards allows
};
const boost::system::error_category& lookup_category() noexcept;
inline boost::system::error_code make_error_code(lookup_errc e) noexcept {
  return {static_cast<int>(e), lookup_category()};
}

struct LookupLimits {
  std::size_t max_forwards = 4;
};

struct LookupResult {
  std::vector<RouteLocation> devices;  // by ascending priority, each destination list once
  std::vector<std::string> users;      // the bare JIDs fetched, the one asked for first
  std::vector<std::string> loops;      // forwards not followed because they led back
  bool forwards_left = false;          // forwards not followed because of max_forwards
  std::size_t unusable = 0;            // entries that were no usable location
};

using LookupHandler = std::function<void(boost::system::result<LookupResult>)>;

// `jid` may carry a resource; the bare address is looked up.
void lookup_user(node::OverlayNode& node, const xmpp::Jid& jid, LookupLimits limits, LookupHandler done);

template <class CompletionToken>
auto async_lookup_user(node::OverlayNode& node, const xmpp::Jid& jid, LookupLimits limits, CompletionToken&& token) {
  return node::detail::async_request<LookupResult>(std::forward<CompletionToken>(token), lookup_user, node, jid, limits);
}

}  // namespace reload::usage

template <>
struct boost::system::is_error_code_enum<reload::usage::lookup_errc> : std::true_type {};
