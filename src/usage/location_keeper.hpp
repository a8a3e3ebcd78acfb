// Keeps this device's XMPP-LOCATION record in the overlay (XEP-0415 section 4): an
// xmpp_location_route to its own Node-ID, keyed by that Node-ID, at the Resource-ID of its
// user's bare JID. It stores the record at start(), again every `refresh` (two thirds of its
// lifetime at the latest: a record that lapsed would make the device unreachable), after a failure again
// with a back-off from 1 s doubling to a minute, and stores it as removed at stop(), so a
// device that leaves cleanly is not dialled. Runs on the node's executor.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include "node/overlay_node.hpp"
#include "xmpp/jid.hpp"

namespace reload::usage {

struct LocationOptions {
  // Short, so that a device that crashed stops being dialled soon.
  std::chrono::seconds lifetime{120};
  std::uint8_t priority = 0;  // smaller is preferred (section 6.1)
  // Stored again this often (or at two thirds of the lifetime, if sooner): a record lost with
  // a peer that crashed before its replicas were made is back after at most this long.
  std::chrono::seconds refresh{20};
};

class LocationKeeper : public std::enable_shared_from_this<LocationKeeper> {
 public:
  using Outcome = std::function<void(boost::system::error_code)>;

  // `user`'s bare JID must be the certificate's xmppAddr (USER-NODE-MATCH).
  LocationKeeper(std::shared_ptr<node::OverlayNode> node, const xmpp::Jid& user, LocationOptions options = {});
  // `stored` hears the outcome of every Store, first one included.
  void start(Outcome stored = {});
  // Removes the record; `done` gets the Store's outcome. No refresh after it.
  void stop(Outcome done);
  // No refresh any more, and the record left to lapse at its lifetime (a host going at once).
  void abandon();

  bool published() const noexcept { return published_; }
  std::uint64_t stores() const noexcept { return stores_; }

 private:
  void store(bool exists, Outcome done);
  void schedule(std::chrono::steady_clock::duration after);

  std::shared_ptr<node::OverlayNode> node_;
  wire::ResourceId resource_;
  LocationOptions options_;
  Outcome stored_;
  boost::asio::steady_timer timer_;
  std::chrono::seconds backoff_{1};
  bool published_ = false;
  bool stopped_ = false;
  std::uint64_t stores_ = 0;
};

}  // namespace reload::usage
