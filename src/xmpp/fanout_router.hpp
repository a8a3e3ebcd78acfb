// The XMPP stanza router of a device (XEP-0415 section 6.2), made loop-free, as a sans-I/O
// state machine (DESIGN.md principle 1): the shell reports links and stanzas, with `now`,
// and carries out the effects returned. It owns no stream, no clock and no XML.
//
// Section 6.2 says a stanza to a user goes to all of the user's connected devices and each
// device forwards what it receives to its user's other devices, coping with duplicates. Done
// literally that loops, so here:
//  - every message carries a XEP-0359 origin-id (assigned on local sends that lack one); the
//    pair (authenticated sender bare JID, origin-id) names the message on every device;
//  - chat and normal messages go as originals to every connected device of the recipient;
//    the sender sends XEP-0280 <sent/> carbons to its own other devices;
//  - a device that gets an original delivers it once and passes it, once, as a <received/>
//    carbon to its own other devices; carbons are accepted only from the device's own user
//    and never passed on, so nothing travels more than two hops;
//  - a seen-set of delivered names makes every later copy (original or carbon) a duplicate.
// Everything else goes to the addressed device only: iq to one full JID; groupchat, headline
// and error messages and presence to the full JID, or to every device of a bare JID, never
// passed on and never carbon-copied.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "xmpp/device_mesh.hpp"
#include "xmpp/fanout_envelope.hpp"
#include "xmpp/seen_set.hpp"

namespace reload::xmpp {

namespace fanout {

// How a copy goes out: the original itself, or a XEP-0280 wrapper around it that the stream
// layer builds (wrap_in_carbon gives its envelope).
enum class Wrapping : std::uint8_t { as_is, received_carbon, sent_carbon };

struct SendTo {
  LinkId link = 0;
  Wrapping wrapping = Wrapping::as_is;
  // The original. Its origin_id is authoritative: when the router assigned it, the stream
  // layer adds the <origin-id/> element the parsed stanza lacks.
  std::shared_ptr<const StanzaEnvelope> stanza;
};

// Give the stanza to this device's own client (a carbon is delivered as the carbon).
struct DeliverLocally {
  std::shared_ptr<const StanzaEnvelope> stanza;
};

enum class DropReason : std::uint8_t {
  unknown_link,              // a stanza on a link the router was not told about
  duplicate,                 // this message was already delivered here
  not_addressed_here,        // for another user, or another device of this user
  sender_mismatch,           // 'from' names a user other than the stream's certificate
  carbon_from_other_user,    // XEP-0280 section 11: carbons only from the user's own devices
  carbon_from_local_client,  // a client does not send carbons; its device makes them
  malformed_carbon,          // nothing inside, a carbon inside, or not a carbon-able message
  no_route,                  // no connected device for the address: dial it, or use c2s
  iq_needs_full_jid,         // to a bare JID or none: the account's, so the shell answers
  groupchat_needs_full_jid,  // RFC 6121 section 8.5.2.1.1
};

// For tests and logs; for a local send the shell may also answer the client with an error
// stanza (service-unavailable for no_route and the *_needs_full_jid reasons).
struct Dropped {
  DropReason reason = DropReason::duplicate;
  std::shared_ptr<const StanzaEnvelope> stanza;
};

using Effect = std::variant<SendTo, DeliverLocally, Dropped>;

const char* to_string(DropReason reason);

}  // namespace fanout

struct StanzaRouterSettings {
  SeenSetSettings seen;
};

// Draws a fresh XEP-0359 origin-id (unique for this user; a UUID, as XEP-0359 suggests).
using OriginIdGenerator = std::function<std::string()>;

class StanzaRouter {
 public:
  // `self` is this device's full JID (bare JID of the user, resource of this device).
  StanzaRouter(StanzaAddress self, OriginIdGenerator next_origin_id,
               StanzaRouterSettings settings = {});

  // A stream to a device is up (its certificate checked) or gone. Copies in flight on a
  // link that goes down are simply lost: an offline device does not get them.
  void on_link_up(DeviceLink link);
  void on_link_down(LinkId link);

  // The local client sent `stanza`. Its 'from' is set to this device, as a server would.
  std::vector<fanout::Effect> on_local_send(StanzaEnvelope stanza, TimePoint now);
  // `stanza` arrived on `link`.
  std::vector<fanout::Effect> on_stanza_received(LinkId link, StanzaEnvelope stanza, TimePoint now);

  const StanzaAddress& self() const noexcept { return self_; }
  const std::map<LinkId, DeviceLink>& links() const noexcept { return links_; }

 private:
  using Shared = std::shared_ptr<const StanzaEnvelope>;
  using Effects = std::vector<fanout::Effect>;

  Effects send_message(Shared message, TimePoint now);
  Effects send_presence(Shared presence);
  Effects send_to_device(Shared stanza, fanout::DropReason when_bare) const;
  Effects send_to_user(Shared stanza) const;

  Effects accept_original(const DeviceLink& link, Shared message, TimePoint now);
  Effects accept_carbon(const DeviceLink& link, Shared carbon, TimePoint now);
  Effects accept_addressed(Shared stanza, TimePoint now);

  std::vector<LinkId> links_of_user(const std::string& bare_jid) const;
  const DeviceLink* link_to_device(const StanzaAddress& full_jid) const;
  bool is_own_user(const DeviceLink& link) const { return link.bare_jid == self_.bare; }

  StanzaAddress self_;
  OriginIdGenerator next_origin_id_;
  std::map<LinkId, DeviceLink> links_;
  SeenSet delivered_;  // messages delivered here (or sent from here), by duplicate key
  SeenSet forwarded_;  // messages this device passed on to its siblings as carbons
};

}  // namespace reload::xmpp
