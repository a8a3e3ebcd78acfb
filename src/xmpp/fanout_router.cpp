#include "xmpp/fanout_router.hpp"

#include <utility>

namespace reload::xmpp {

namespace fanout {

const char* to_string(DropReason reason) {
  switch (reason) {
    case DropReason::unknown_link:
      return "unknown link";
    case DropReason::duplicate:
      return "duplicate";
    case DropReason::not_addressed_here:
      return "not addressed to this device";
    case DropReason::sender_mismatch:
      return "sender does not match the stream's certificate";
    case DropReason::carbon_from_other_user:
      return "carbon from another user";
    case DropReason::carbon_from_local_client:
      return "carbon sent by the local client";
    case DropReason::malformed_carbon:
      return "malformed carbon";
    case DropReason::no_route:
      return "no connected device for the address";
    case DropReason::iq_needs_full_jid:
      return "iq to a bare JID";
    case DropReason::groupchat_needs_full_jid:
      return "groupchat message to a bare JID";
  }
  return "unknown reason";
}

}  // namespace fanout

namespace {

using fanout::DropReason;
using fanout::Wrapping;

// The name of one message on every device: the authenticated sender's bare JID and its
// origin-id. Length-prefixed, so no other (sender, id) pair spells the same key.
std::string duplicate_key(std::string_view sender_bare_jid, std::string_view origin_id) {
  std::string key = std::to_string(sender_bare_jid.size());
  key += ':';
  key += sender_bare_jid;
  key += origin_id;
  return key;
}

bool has_origin_id(const StanzaEnvelope& stanza) {
  return stanza.origin_id && !stanza.origin_id->empty();
}

std::vector<fanout::Effect> dropped(DropReason reason,
                                    std::shared_ptr<const StanzaEnvelope> stanza) {
  return {fanout::Dropped{reason, std::move(stanza)}};
}

std::shared_ptr<const StanzaEnvelope> share(StanzaEnvelope&& stanza) {
  return std::make_shared<const StanzaEnvelope>(std::move(stanza));
}

}  // namespace

StanzaRouter::StanzaRouter(StanzaAddress self, OriginIdGenerator next_origin_id,
                           StanzaRouterSettings settings)
    : self_(std::move(self)),
      next_origin_id_(std::move(next_origin_id)),
      delivered_(settings.seen),
      forwarded_(settings.seen) {}

void StanzaRouter::on_link_up(DeviceLink link) {
  const LinkId id = link.id;
  links_.insert_or_assign(id, std::move(link));
}

void StanzaRouter::on_link_down(LinkId link) {
  links_.erase(link);
}

std::vector<LinkId> StanzaRouter::links_of_user(const std::string& bare_jid) const {
  std::vector<LinkId> found;
  for (const auto& [id, link] : links_)
    if (link.bare_jid == bare_jid) found.push_back(id);
  return found;
}

const DeviceLink* StanzaRouter::link_to_device(const StanzaAddress& full_jid) const {
  for (const auto& [id, link] : links_)
    if (link.bare_jid == full_jid.bare && link.resource == full_jid.resource) return &link;
  return nullptr;
}

// ---- stanzas from the local client ----

std::vector<fanout::Effect> StanzaRouter::on_local_send(StanzaEnvelope stanza, TimePoint now) {
  if (stanza.carbon != CarbonKind::none)
    return dropped(DropReason::carbon_from_local_client, share(std::move(stanza)));
  // Whatever the client wrote, its stanzas are from this device (RFC 6120 section 8.1.2.1).
  stanza.from = self_;
  switch (stanza.kind) {
    case StanzaKind::iq:
      return send_to_device(share(std::move(stanza)), DropReason::iq_needs_full_jid);
    case StanzaKind::presence:
      return send_presence(share(std::move(stanza)));
    case StanzaKind::message:
      break;
  }
  if (!has_origin_id(stanza) && next_origin_id_) stanza.origin_id = next_origin_id_();
  if (stanza.to.empty()) stanza.to = StanzaAddress{self_.bare, {}};  // RFC 6121 8.1.1.1
  return send_message(share(std::move(stanza)), now);
}

std::vector<fanout::Effect> StanzaRouter::send_message(Shared message, TimePoint now) {
  // Remembered as delivered here, so that a copy coming back (a sibling's carbon of a
  // message to our own user) is a duplicate. A client resending the same origin-id still
  // gets it out: devices that have it drop the copy, those that missed it take it.
  if (has_origin_id(*message))
    delivered_.insert(duplicate_key(self_.bare, *message->origin_id), now);

  if (!fans_out(*message)) {
    if (message->to.is_full()) return send_to_device(message, DropReason::no_route);
    if (message->message_type == MessageType::groupchat && !message->is_error)
      return dropped(DropReason::groupchat_needs_full_jid, message);
    return send_to_user(message);  // headline or error to a bare JID: each of its devices
  }

  // Section 6.2: to every connected device of the user, whichever resource is named, so
  // that one link going down does not lose the message for the whole user.
  const auto recipients = links_of_user(message->to.bare);
  if (recipients.empty()) return dropped(DropReason::no_route, message);
  std::vector<fanout::Effect> effects;
  for (LinkId link : recipients) effects.push_back(fanout::SendTo{link, Wrapping::as_is, message});

  // To our own user the originals already reach every sibling: no carbons on top.
  if (carbon_eligible(*message) && message->to.bare != self_.bare) {
    for (const auto& [id, link] : links_)
      if (is_own_user(link)) effects.push_back(fanout::SendTo{id, Wrapping::sent_carbon, message});
  }
  return effects;
}

// Presence is not fanned out by the devices that get it: it tells the recipient about the
// link it came on, and a device with no link to the sender cannot use it. Undirected
// presence goes to the user's other devices (RFC 6121 section 4.2.2); presence for contacts
// is sent directed, by the shell, which holds the roster and the subscriptions.
std::vector<fanout::Effect> StanzaRouter::send_presence(Shared presence) {
  if (presence->to.empty()) {
    std::vector<fanout::Effect> effects;
    for (const auto& [id, link] : links_)
      if (is_own_user(link)) effects.push_back(fanout::SendTo{id, Wrapping::as_is, presence});
    return effects;
  }
  if (presence->to.is_full()) return send_to_device(presence, DropReason::no_route);
  return send_to_user(presence);
}

std::vector<fanout::Effect> StanzaRouter::send_to_device(Shared stanza,
                                                         DropReason when_bare) const {
  if (!stanza->to.is_full()) return dropped(when_bare, stanza);
  const DeviceLink* link = link_to_device(stanza->to);
  if (!link) return dropped(DropReason::no_route, stanza);
  return {fanout::SendTo{link->id, Wrapping::as_is, stanza}};
}

std::vector<fanout::Effect> StanzaRouter::send_to_user(Shared stanza) const {
  const auto recipients = links_of_user(stanza->to.bare);
  if (recipients.empty()) return dropped(DropReason::no_route, stanza);
  std::vector<fanout::Effect> effects;
  for (LinkId link : recipients) effects.push_back(fanout::SendTo{link, Wrapping::as_is, stanza});
  return effects;
}

// ---- stanzas from other devices ----

std::vector<fanout::Effect> StanzaRouter::on_stanza_received(LinkId link_id, StanzaEnvelope stanza,
                                                             TimePoint now) {
  const auto found = links_.find(link_id);
  if (found == links_.end()) return dropped(DropReason::unknown_link, share(std::move(stanza)));
  const DeviceLink& link = found->second;

  if (stanza.carbon != CarbonKind::none) return accept_carbon(link, share(std::move(stanza)), now);

  // The certificate of the stream names the sender; a 'from' naming anyone else is forged.
  if (stanza.from.empty())
    stanza.from = StanzaAddress{link.bare_jid, link.resource};
  else if (stanza.from.bare != link.bare_jid)
    return dropped(DropReason::sender_mismatch, share(std::move(stanza)));
  // A device is no server: what is not for its own user is not relayed.
  if (stanza.to.empty()) stanza.to = StanzaAddress{self_.bare, {}};
  if (stanza.to.bare != self_.bare)
    return dropped(DropReason::not_addressed_here, share(std::move(stanza)));

  auto shared = share(std::move(stanza));
  if (fans_out(*shared)) return accept_original(link, std::move(shared), now);
  return accept_addressed(std::move(shared), now);
}

std::vector<fanout::Effect> StanzaRouter::accept_original(const DeviceLink& link, Shared message,
                                                          TimePoint now) {
  // Without an origin-id (a peer that is not this software) copies cannot be told apart:
  // deliver what arrives and make no carbons that could double it elsewhere.
  if (!has_origin_id(*message)) return {fanout::DeliverLocally{std::move(message)}};

  const std::string key = duplicate_key(link.bare_jid, *message->origin_id);
  const bool first_copy = delivered_.insert(key, now);
  std::vector<fanout::Effect> effects;
  effects.push_back(first_copy ? fanout::Effect{fanout::DeliverLocally{message}}
                               : fanout::Effect{fanout::Dropped{DropReason::duplicate, message}});

  // Passed on at the first original even when a sibling's carbon came first: the sibling
  // that sent it may have no link to a third device that this one does reach. Once per
  // message, and carbons are never passed on, so the copies stay bounded.
  if (carbon_eligible(*message) && forwarded_.insert(key, now)) {
    for (const auto& [id, sibling] : links_)
      if (is_own_user(sibling) && id != link.id)
        effects.push_back(fanout::SendTo{id, Wrapping::received_carbon, message});
  }
  return effects;
}

std::vector<fanout::Effect> StanzaRouter::accept_carbon(const DeviceLink& link, Shared carbon,
                                                        TimePoint now) {
  // XEP-0280 section 11: a user's devices trust each other, and nobody else, with carbons.
  if (!is_own_user(link)) return dropped(DropReason::carbon_from_other_user, carbon);
  if (!carbon->to.empty() && carbon->to.bare != self_.bare)
    return dropped(DropReason::not_addressed_here, carbon);

  const StanzaEnvelope* inner = carbon->forwarded.get();
  if (!inner || !carbon_eligible(*inner)) return dropped(DropReason::malformed_carbon, carbon);
  std::string_view sender;
  if (carbon->carbon == CarbonKind::received) {
    if (inner->to.bare != self_.bare || inner->from.empty())
      return dropped(DropReason::malformed_carbon, carbon);
    sender = inner->from.bare;  // authenticated by the sibling that took the original
  } else {
    if (inner->from.bare != self_.bare) return dropped(DropReason::malformed_carbon, carbon);
    sender = self_.bare;
  }

  if (has_origin_id(*inner) && !delivered_.insert(duplicate_key(sender, *inner->origin_id), now))
    return dropped(DropReason::duplicate, carbon);
  return {fanout::DeliverLocally{std::move(carbon)}};
}

std::vector<fanout::Effect> StanzaRouter::accept_addressed(Shared stanza, TimePoint now) {
  if (stanza->to.is_full() && stanza->to.resource != self_.resource)
    return dropped(DropReason::not_addressed_here, stanza);
  if (stanza->kind == StanzaKind::message && has_origin_id(*stanza) &&
      !delivered_.insert(duplicate_key(stanza->from.bare, *stanza->origin_id), now))
    return dropped(DropReason::duplicate, stanza);
  return {fanout::DeliverLocally{std::move(stanza)}};
}

}  // namespace reload::xmpp
