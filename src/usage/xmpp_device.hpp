// One device of an XMPP user on the overlay (XEP-0415): the shell that binds the node's
// AppAttach, the device's XMPP-LOCATION record, lookups, XMPP streams and the fan-out router.
//
//  - start() publishes the device's location (LocationKeeper), answers AppAttaches for
//    application 5222 and dials every other device of its own user (section 6.1: at
//    startup, connections to all of the user's devices), and again every mesh_interval.
//  - send() hands a stanza of the local client to the router (fanout_router.hpp). A stanza
//    for a user with no connected device waits (at most `max_waiting` per user) while the
//    user is looked up and every device found is AppAttached in parallel; it goes once a
//    stream is open, or is handed to `on_undeliverable` with the reason when none can be
//    (and answered with a stanza error when the application does not take it).
//  - Every stream is a StreamSession over the AppAttach stream's TLS: the certificate must
//    carry the Node-ID dialled (AppAttach checks it) and the XMPP address looked up, or the
//    stream is closed before any XMPP byte. One stream per device pair: when both ends
//    dialled at once, the one dialled by the smaller Node-ID stays.
//  - What the router delivers locally goes to `on_stanza`.
//  - Reconnection (section 6.1, "strive to maintain connections to all its user's
//    devices"): a stream to one of our own user's devices that drops brings the next mesh
//    round forward to when that device may be dialled again (a dead peer's stream ends at
//    its idle timeout: see `stream`), as does a failed AppAttach to one. A device whose AppAttach failed,
//    or whose stream broke, waits before it is dialled again, 1 s doubling to a minute
//    (dial_backoff.hpp), for mesh rounds and stanzas alike: a stanza for a user whose every
//    device is waiting is undeliverable at once (resource_unavailable_try_again).
// Runs on the node's executor; every callback is called there.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "node/overlay_node.hpp"
#include "usage/dial_backoff.hpp"
#include "usage/location_keeper.hpp"
#include "usage/location_lookup.hpp"
#include "xmpp/fanout_router.hpp"
#include "xmpp/stream_session.hpp"

namespace reload::usage {

struct XmppDeviceOptions {
  LocationOptions location;
  std::size_t max_waiting = 64;  // stanzas held per user while its devices are dialled
  // How often the user's own devices are looked up again and those without a stream dialled
  // (section 6.1: strive to keep a stream to each; a device that just joined, or whose
  // AppAttach failed, is reached on a later round).
  std::chrono::milliseconds mesh_interval{10000};
  // Streams kept at most (section 6.1): over it, redundant streams to other users' devices
  // are closed, biggest route priority number first (xmpp/device_mesh.hpp); our own user's
  // devices and a user's only device are never closed for it.
  std::size_t link_budget = 64;
  // Only a stream that carried nothing for this long is closed for the budget ("links to
  // other users' devices close when idle"): one just opened may be the peer's way to answer.
  std::chrono::milliseconds idle_after{60000};
  // Section 6.1: AppAttach a user's devices one after another, by ascending route priority,
  // instead of all at once (the RECOMMENDED default). Stanzas waiting for the user go with
  // the first stream that opens; the others are still dialled, in turn.
  bool dial_in_order = false;
  DialBackoff::Settings backoff;
  // The device streams' limits and timers. A device may vanish without a word (killed, or
  // its NAT binding gone) and nothing on an AppAttach stream notices: so every stream sends
  // a space after 30 s of silence and is closed after 95 s with nothing received (RFC 6120
  // section 4.6.1), and one of our own user's devices is dialled again.
  xmpp::StreamOptions stream = device_stream_options();
  static xmpp::StreamOptions device_stream_options() {
    xmpp::StreamOptions o;
    o.stream.keepalive_interval = std::chrono::seconds(30);
    o.stream.idle_timeout = std::chrono::seconds(95);
    return o;
  }
};

// A device's stream opened or closed, another user's or one of our own.
struct DeviceChange {
  std::string bare_jid;
  wire::NodeId device;
  bool connected = false;
  std::optional<transport::IceSelectedPair> pair;  // how its AppAttach went (opened streams)
};

struct XmppDeviceHandlers {
  // Delivered to this device's client, with the router's reading of it (who sent it, a
  // carbon's inner message): null for the stanza errors the device writes itself.
  std::function<void(const xmpp::Element& stanza, const xmpp::StanzaEnvelope* reading)> on_stanza;
  // A stanza of the client that reached no device, and why: true when the application took
  // it (to send it over its own c2s connection, XEP-0415 section 7). Otherwise the client
  // gets the stanza error through on_stanza: service-unavailable when the user has no
  // location, recipient-unavailable when no device of it could be reached (RFC 6120 8.3.3).
  std::function<bool(const xmpp::Element&, boost::system::error_code)> on_undeliverable;
  std::function<void(const DeviceChange&)> on_device;
  // One line per event (streams up and down, lookups), without a trailing newline.
  std::function<void(const std::string&)> log;
};

class XmppDevice final : public xmpp::StreamHandler, public std::enable_shared_from_this<XmppDevice> {
 public:
  // `certificate` is the node's own: its id-on-xmppAddr is the user; `resource` names this
  // device. Errors: the certificate has no usable XMPP address, or the resource is invalid.
  static boost::system::result<std::shared_ptr<XmppDevice>> create(std::shared_ptr<node::OverlayNode> node,
                                                                   const crypto::Certificate& certificate,
                                                                   std::string_view resource, XmppDeviceOptions options,
                                                                   XmppDeviceHandlers handlers);
  // The streams still closing go on without it.
  ~XmppDevice() override;
  void start();
  // Removes the location, closes the streams; `done` when the location is removed.
  void stop(std::function<void()> done);
  // Stops at once, as a host that must exit now: streams dropped without closing tags, the
  // location left to lapse at its lifetime, nothing waiting answered.
  void abandon();
  // A stanza of the local client (its 'from' is set to this device).
  boost::system::error_code send(xmpp::Element stanza);

  const xmpp::Jid& jid() const noexcept { return self_; }
  // The devices with an open stream, by bare JID.
  std::map<std::string, std::size_t> connected() const;
  bool location_published() const noexcept { return keeper_->published(); }

  // StreamHandler
  void on_stream_open(xmpp::StreamSession& session) override;
  void on_stanza(xmpp::StreamSession& session, xmpp::Element&& stanza) override;
  void on_stream_closed(xmpp::StreamSession& session, const xmpp::stream_event::Closed& why) override;

  XmppDevice(std::shared_ptr<node::OverlayNode> node, xmpp::Jid self, XmppDeviceOptions options,
             XmppDeviceHandlers handlers);

 private:
  struct Stream {
    std::shared_ptr<xmpp::StreamSession> session;
    wire::NodeId device;
    bool we_dialled = false;
    xmpp::LinkId link = 0;  // set once open
    // A second stream to a device that lost the tie-break: closing, it still hands what
    // arrives on it to the router under the kept stream's link, and sends nothing more.
    bool retired = false;
    std::optional<transport::IceSelectedPair> pair;
    std::chrono::steady_clock::time_point active{std::chrono::steady_clock::now()};  // last stanza either way
  };

  void accept(node::AppStream stream);
  void tend_mesh();
  void dial_user(const xmpp::Jid& user, unsigned attempt = 0);
  // False when nothing was dialled: a stream to it is open or opening, or a dial in flight.
  bool dial_device(const RouteLocation& device, const std::string& expected_user);
  void dial_next_in_order(const std::string& user);
  // The dial to `device` of `user` is over (failed when `ec`).
  void dial_done(const wire::NodeId& device, const std::string& user, boost::system::error_code ec);
  void mesh_round_by(std::chrono::steady_clock::time_point when);
  void adopt(node::AppStream stream, bool we_dialled, const std::string& expected_user);
  void apply(std::vector<xmpp::fanout::Effect> effects);
  // A stanza the router sent to a stream that was no longer open (the peer closed it
  // meanwhile): it waits for a new stream to the same device, which is dialled once the old
  // one has closed; given up (undeliverable) when that AppAttach fails.
  void hold_for_device(const Stream& stream, xmpp::Element stanza);
  void release_held(const wire::NodeId& device, xmpp::StreamSession& session);
  void give_up_held(const wire::NodeId& device, boost::system::error_code why);
  // Closes what plan_device_mesh says is over the link budget, of the streams idle for
  // idle_after (at each stream opening and each mesh round).
  void keep_within_budget();
  void flush_waiting(const std::string& user);
  void give_up_waiting(const std::string& user, boost::system::error_code why);
  void undeliverable(const xmpp::Element& stanza, boost::system::error_code why);
  Stream* stream_of(const xmpp::StreamSession& session);
  // An AppAttach to the user in flight, or a stream to it open or opening: what waits for
  // the user may still go.
  bool has_way_to(const std::string& user) const;
  void say(const std::string& line) const;

  std::shared_ptr<node::OverlayNode> node_;
  xmpp::Jid self_;
  XmppDeviceOptions options_;
  XmppDeviceHandlers handlers_;
  std::shared_ptr<LocationKeeper> keeper_;
  boost::asio::steady_timer mesh_timer_;
  xmpp::StanzaRouter router_;
  std::string own_address_;  // self_ as 'from' writes it
  std::vector<Stream> streams_;
  std::set<wire::NodeId> dialling_;
  std::map<wire::NodeId, std::uint8_t> priority_of_;  // route priorities from the lookups
  std::map<std::string, std::size_t> dials_to_;  // AppAttaches in flight, by bare JID
  std::map<std::string, std::vector<RouteLocation>> in_order_;  // still to dial, by bare JID (dial_in_order)
  DialBackoff backoff_;
  std::map<std::string, std::vector<xmpp::Element>> waiting_;  // by bare JID
  struct Held {
    std::string user;  // the device's bare JID
    std::vector<xmpp::Element> stanzas;
    unsigned redials = 0;  // new streams dialled for them; a peer that keeps closing gets two
  };
  std::map<wire::NodeId, Held> held_;  // hold_for_device
  std::set<std::string> looking_up_;
  xmpp::LinkId next_link_ = 1;
  bool stopped_ = false;
};

}  // namespace reload::usage
