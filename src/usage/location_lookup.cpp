#include "usage/location_lookup.hpp"

#include <deque>
#include <memory>
#include <set>

namespace reload::usage {

namespace {

class LookupCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "xmpp-location lookup"; }
  std::string message(int e) const override {
    switch (static_cast<lookup_errc>(e)) {
      case lookup_errc::no_location: return "the user has no location in the overlay";
      case lookup_errc::forwarding_loop: return "the user's locations forward in a loop";
      case lookup_errc::too_many_forwards: return "the user's locations forward further than allowed";
    }
    return "unknown lookup error";
  }
};

// One lookup: the users to fetch, breadth-first, and what was found so far.
struct Lookup : std::enable_shared_from_this<Lookup> {
  node::OverlayNode& node;
  LookupLimits limits;
  LookupHandler done;
  std::deque<xmpp::Jid> queue;
  std::set<std::string> visited;
  std::set<std::vector<wire::NodeId>> routes;
  std::size_t forwards_followed = 0;
  LookupResult result;

  Lookup(node::OverlayNode& n, LookupLimits l, LookupHandler d) : node(n), limits(l), done(std::move(d)) {}

  void next() {
    if (queue.empty()) return finish();
    const xmpp::Jid user = queue.front();
    queue.pop_front();
    result.users.push_back(user.bare_string());
    wire::StoredDataSpecifier all;  // a dictionary specifier with no keys: every entry
    all.kind = wire::kinds::xmpp_location;
    all.model_specifier = wire::DictionarySpecifier{};
    node::fetch(node, xmpp::location_resource_id(user), {all},
                [self = shared_from_this()](boost::system::result<node::FetchResult> r) { self->fetched(std::move(r)); });
  }

  void fetched(boost::system::result<node::FetchResult> r) {
    if (!r) return done(r.error());  // the overlay did not answer: not the same as "no location"
    auto found = read_locations(r->answer, wire::kinds::xmpp_location, node.configuration().node_id_length);
    result.unusable += found.unusable + r->discarded;
    for (auto& route : found.routes)
      if (routes.insert(route.route).second) result.devices.push_back(std::move(route));
    for (const auto& forward : found.forwards) {
      auto jid = xmpp::Jid::parse(forward);
      if (!jid) {
        ++result.unusable;
        continue;
      }
      const auto bare = jid->bare();
      if (!visited.insert(bare.bare_string()).second) {
        result.loops.push_back(bare.bare_string());
      } else if (forwards_followed == limits.max_forwards) {
        result.forwards_left = true;
      } else {
        ++forwards_followed;
        queue.push_back(bare);
      }
    }
    next();
  }

  void finish() {
    std::stable_sort(result.devices.begin(), result.devices.end(),
                     [](const RouteLocation& a, const RouteLocation& b) { return a.priority < b.priority; });
    if (!result.devices.empty()) return done(std::move(result));
    if (!result.loops.empty()) return done(make_error_code(lookup_errc::forwarding_loop));
    if (result.forwards_left) return done(make_error_code(lookup_errc::too_many_forwards));
    done(make_error_code(lookup_errc::no_location));
  }
};

}  // namespace

const boost::system::error_category& lookup_category() noexcept {
  static const LookupCategory category;
  return category;
}

void lookup_user(node::OverlayNode& node, const xmpp::Jid& jid, LookupLimits limits, LookupHandler done) {
  auto lookup = std::make_shared<Lookup>(node, limits, std::move(done));
  const auto bare = jid.bare();
  lookup->visited.insert(bare.bare_string());
  lookup->queue.push_back(bare);
  lookup->next();
}

}  // namespace reload::usage
