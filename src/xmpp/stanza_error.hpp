// Stanza errors (RFC 6120 section 8.3): what a device answers when it cannot handle a
// stanza, and which of the refusals upstream deserve an answer at all.
//
// An error goes back to the sender of the stanza: the same kind of stanza with the same id,
// 'to' and 'from' swapped, type='error', and an <error/> naming the condition. It never
// answers an error (RFC 6120 section 8.3.1) nor an iq result (section 8.2.3), which would
// let two entities bounce errors at each other forever.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <boost/system/error_code.hpp>

#include "xmpp/fanout_envelope.hpp"
#include "xmpp/fanout_router.hpp"
#include "xmpp/xml_element.hpp"

namespace reload::xmpp {

// RFC 6120 section 8.3.2.
enum class StanzaErrorType : std::uint8_t { auth, cancel, continue_, modify, wait };

// The RFC 6120 section 8.3.3 conditions this node uses.
enum class StanzaErrorCondition : std::uint8_t {
  bad_request,
  feature_not_implemented,
  forbidden,
  internal_server_error,
  jid_malformed,
  not_allowed,
  policy_violation,
  recipient_unavailable,
  resource_constraint,
  service_unavailable,
  undefined_condition,
};

// The element names: "bad-request", ..., and "cancel", "modify", ...
std::string_view condition_name(StanzaErrorCondition condition) noexcept;
std::string_view error_type_name(StanzaErrorType type) noexcept;
// The type RFC 6120 section 8.3.3 gives each condition in its examples.
StanzaErrorType default_error_type(StanzaErrorCondition condition) noexcept;

// The error answering `original`, with the addresses as written in it. nullopt when no
// error may answer it: an error, an iq result, or not a jabber:client stanza.
std::optional<Element> stanza_error(const Element& original, StanzaErrorCondition condition);
std::optional<Element> stanza_error(const Element& original, StanzaErrorCondition condition,
                                    StanzaErrorType type);

// The same for a stanza the router has seen, addressed from its envelope: the router has
// set 'from' (the device itself for a local send, the link's device for one that arrived
// without 'from'), so the error reaches whoever sent it. nullopt also when the envelope
// carries no Element: the id that names the stanza is in the Element only.
std::optional<Element> stanza_error(const StanzaEnvelope& original,
                                    StanzaErrorCondition condition);

// The answer to a stanza envelope_of() refused: jid-malformed for a bad 'to' or 'from',
// bad-request for a bad iq or origin-id. None for a carbon (XEP-0280 section 11: a bad
// carbon is ignored; it asks for nothing) nor for what is no stanza (a stream matter).
std::optional<StanzaErrorCondition> error_condition_for(const boost::system::error_code& ec);

// The answer to a stanza the router dropped: service-unavailable when it cannot be
// delivered (no route; an iq or groupchat message to a bare JID, when the shell has not
// answered it for the account; addressed to a device that is not this one). None for
// duplicates (the first copy was handled), forgeries and misrouted carbons (answering
// would help whoever made them), and never for presence, which RFC 6121 drops silently
// when it cannot be delivered.
std::optional<StanzaErrorCondition> error_condition_for(const fanout::Dropped& dropped);

// error_condition_for(dropped), rendered as the error stanza to send back; nullopt when
// nothing is to be sent.
std::optional<Element> undeliverable_error(const fanout::Dropped& dropped);

}  // namespace reload::xmpp
