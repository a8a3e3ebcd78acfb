// What the stanza router (fanout_router.hpp) needs to know about a stanza, and nothing more.
// The stream layer fills a StanzaEnvelope from the parsed stanza and hangs the parsed stanza
// on `payload`, so the router decides where copies go without knowing the DOM type; when it
// asks for a carbon, the stream layer builds the XEP-0280 wrapper around that payload.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace reload::xmpp {

// A JID as the router compares it. Both parts are already prepared (RFC 7622) by the stream
// layer, so equal bytes mean the same address. An empty `bare` means no address was given.
struct StanzaAddress {
  std::string bare;      // localpart@domainpart
  std::string resource;  // empty for a bare JID

  bool empty() const noexcept { return bare.empty(); }
  bool is_full() const noexcept { return !resource.empty(); }
  friend bool operator==(const StanzaAddress&, const StanzaAddress&) = default;
};

enum class StanzaKind : std::uint8_t { message, presence, iq };

// The 'type' of a <message/> (RFC 6121 section 5.2.2). type='error' is is_error instead,
// because it exists on every kind of stanza and is routed the same way on all of them.
enum class MessageType : std::uint8_t { normal, chat, groupchat, headline };

// XEP-0280: `received` and `sent` wrap another message in a XEP-0297 <forwarded/>.
enum class CarbonKind : std::uint8_t { none, received, sent };

struct StanzaEnvelope {
  StanzaKind kind = StanzaKind::message;
  MessageType message_type = MessageType::normal;  // messages only
  bool is_error = false;                           // type='error'
  StanzaAddress to;
  StanzaAddress from;
  std::optional<std::string> origin_id;  // XEP-0359 <origin-id xmlns='urn:xmpp:sid:0' id=.../>
  bool private_hint = false;             // <private xmlns='urn:xmpp:carbons:2'/>
  bool no_copy_hint = false;             // XEP-0334 <no-copy xmlns='urn:xmpp:hints'/>
  CarbonKind carbon = CarbonKind::none;
  std::shared_ptr<const StanzaEnvelope> forwarded;  // what a carbon wraps; null otherwise
  std::shared_ptr<const void> payload;              // the parsed stanza; opaque here
};

// A message XEP-0415 section 6.2 spreads over all of the recipient's devices: type chat or
// normal, not an error, not itself a carbon. Other stanzas go to the addressed device only.
bool fans_out(const StanzaEnvelope& stanza);

// Whether copies go to the user's other devices as carbons: a fan-out message that did not
// opt out. XEP-0280 opts out with <private/> (its older versions asked for <no-copy/> with
// it); XEP-0334's <no-copy/> alone says the same, so either one is enough.
bool carbon_eligible(const StanzaEnvelope& stanza);

// The XEP-0280 wrapper as a device receives it: from the user's bare JID, to the receiving
// device's full JID, of the original's type, with the original inside. Its payload is null:
// the stream layer writes the wrapper's XML around the original's payload.
StanzaEnvelope wrap_in_carbon(CarbonKind kind, std::shared_ptr<const StanzaEnvelope> original,
                              std::string_view user_bare_jid, StanzaAddress to);

}  // namespace reload::xmpp
