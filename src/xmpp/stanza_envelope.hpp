// From a parsed stanza (xml_element.hpp) to the StanzaEnvelope the fan-out router works on
// (fanout_envelope.hpp). This is where the router's facts come from, so everything it relies
// on is checked here: 'to' and 'from' are prepared JIDs (RFC 7622) or absent, an origin-id
// is one non-empty id, and a carbon wraps exactly one message the way XEP-0280 and
// XEP-0297 say. What fails is an error value naming the fault; stanza_error.hpp says which
// stanza error (if any) answers it.
//
// The envelope's payload is the parsed Element (for a carbon's inner envelope: the inner
// <message/>, kept alive through the outer one). stanza_element() gives it back typed.
#pragma once

#include <memory>
#include <string_view>
#include <type_traits>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include "xmpp/fanout_envelope.hpp"
#include "xmpp/xml_element.hpp"

namespace reload::xmpp {

// Namespaces of the stanza extensions the router looks at.
namespace ns {
inline constexpr std::string_view carbons = "urn:xmpp:carbons:2";  // XEP-0280
inline constexpr std::string_view forward = "urn:xmpp:forward:0";  // XEP-0297
inline constexpr std::string_view sid = "urn:xmpp:sid:0";          // XEP-0359
inline constexpr std::string_view hints = "urn:xmpp:hints";        // XEP-0334
inline constexpr std::string_view stanzas = "urn:ietf:params:xml:ns:xmpp-stanzas";  // RFC 6120
}  // namespace ns

// Why a stanza has no envelope.
enum class stanza_errc {
  not_a_stanza = 1,       // not <message/>, <presence/> or <iq/> in jabber:client
  malformed_to,           // 'to' is not a valid JID (RFC 7622)
  malformed_from,         // 'from' is not a valid JID
  malformed_iq,           // an iq without 'id', or whose 'type' is not get/set/result/error
  malformed_origin_id,    // <origin-id/> without an id, with an empty one, or twice
  carbon_without_forwarded,  // <received/> or <sent/> holding no <forwarded/>
  carbon_without_message,    // <forwarded/> holding no jabber:client <message/>
  carbon_ambiguous,       // two carbon wrappers, two <forwarded/>, or two inner messages
  carbon_nested,          // the forwarded message is itself a carbon
  carbon_inner_invalid,   // the forwarded message has a bad JID or origin-id
};

const boost::system::error_category& stanza_category() noexcept;

inline boost::system::error_code make_error_code(stanza_errc e) noexcept {
  return {static_cast<int>(e), stanza_category()};
}

// The envelope of `stanza`, which it keeps alive as its payload. A null stanza is
// not_a_stanza. Unknown message types count as 'normal' (RFC 6121 section 5.2.2);
// origin-ids, hints and carbons are read on messages only, where they are defined.
boost::system::result<StanzaEnvelope> envelope_of(std::shared_ptr<const Element> stanza);

// The Element an envelope carries; null when it carries none (the envelopes the router
// builds itself, such as wrap_in_carbon's). The stream layer's convention, which
// envelope_of() keeps, is that a payload, when there is one, is an Element: nothing else
// is ever hung on it.
std::shared_ptr<const Element> stanza_element(const StanzaEnvelope& envelope) noexcept;

// "local@domain/resource" as written into 'to' and 'from'; empty for no address.
std::string to_jid_string(const StanzaAddress& address);

}  // namespace reload::xmpp

template <>
struct boost::system::is_error_code_enum<reload::xmpp::stanza_errc> : std::true_type {};
