// From the fan-out router's effects (fanout_router.hpp) back to stanzas to write: the
// counterpart of stanza_envelope.hpp. Pure functions; the shell looks up the link of a
// SendTo, renders, and hands the Element to that link's PeerStream (or to its own client
// for a DeliverLocally).
//
// The envelope is authoritative, the Element is the content: a rendered stanza carries the
// router's 'from' and 'to' (prepared JIDs; on a local send 'from' is this device, whatever
// the client wrote) and, on a message, the router's origin-id (added when the router
// assigned one). A carbon is rebuilt as XEP-0280 describes it, never passed on as it came:
//
//   <message xmlns='jabber:client' from='user bare JID' to='receiving device full JID'
//            type='the original's type'>
//     <received|sent xmlns='urn:xmpp:carbons:2'>
//       <forwarded xmlns='urn:xmpp:forward:0'>
//         <message xmlns='jabber:client' from=... to=...> the original </message>
//       </forwarded>
//     </received|sent>
//   </message>
#pragma once

#include <memory>
#include <string_view>
#include <type_traits>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include "xmpp/device_mesh.hpp"
#include "xmpp/fanout_envelope.hpp"
#include "xmpp/fanout_router.hpp"
#include "xmpp/xml_element.hpp"

namespace reload::xmpp {

enum class render_errc {
  no_payload = 1,  // the envelope carries no parsed stanza to render
  not_a_carbon,    // a carbon to render from an envelope that wraps nothing
};

const boost::system::error_category& render_category() noexcept;

inline boost::system::error_code make_error_code(render_errc e) noexcept {
  return {static_cast<int>(e), render_category()};
}

// The stanza itself as it goes out (SendTo as_is) or to the local client.
boost::system::result<Element> render_original(const StanzaEnvelope& stanza);

// The XEP-0280 wrapper of `original` (rendered as render_original does) for the device
// `to`, from the user's bare JID.
boost::system::result<Element> render_carbon(CarbonKind kind, const StanzaEnvelope& original,
                                             std::string_view user_bare_jid,
                                             const StanzaAddress& to);

// What a SendTo puts on the stream to `recipient`, the device at the other end of
// send.link (a carbon is addressed to its full JID). `self` is this device. An original that
// already reads as render_original would write it is the envelope's element itself, shared.
boost::system::result<std::shared_ptr<const Element>> render_send(const fanout::SendTo& send,
                                                                  const StanzaAddress& self,
                                                                  const DeviceLink& recipient);

// What the local client of device `self` gets for a DeliverLocally: an original with the
// sender the router authenticated in 'from'; a carbon rebuilt from the user's bare JID to
// this device, as a XEP-0280 client checks it (XEP-0280 section 11). An original shares the
// parsed element, as render_send does, when the sending device rendered it so.
boost::system::result<std::shared_ptr<const Element>> render_delivery(
    const fanout::DeliverLocally& deliver, const StanzaAddress& self);

}  // namespace reload::xmpp

template <>
struct boost::system::is_error_code_enum<reload::xmpp::render_errc> : std::true_type {};
