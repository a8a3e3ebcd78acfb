// Chat messages as the XMPP tests send them, and what a device's client got, read through
// envelope_of (the stanza glue the router uses), so a carbon is unwrapped the way XEP-0280 says.
#pragma once

#include <memory>
#include <string>

#include "xmpp/stanza_envelope.hpp"

namespace reload::test {

inline xmpp::Element chat(const std::string& to, const std::string& text) {
  xmpp::Element m(std::string(xmpp::ns::client), "message");
  m.set_attribute("to", to);
  m.set_attribute("type", "chat");
  m.add_child(std::string(xmpp::ns::client), "body").add_text(text);
  return m;
}

struct Delivery {
  std::string body;          // of the message, or of the message a carbon forwards
  bool sent_carbon = false;  // a <sent/> carbon: another device of this user sent it
  bool error = false;        // a stanza error
};

inline Delivery read_delivery(const xmpp::Element& stanza) {
  auto envelope = xmpp::envelope_of(std::make_shared<const xmpp::Element>(stanza));
  if (!envelope) return {};
  const auto& message = envelope->forwarded ? *envelope->forwarded : *envelope;
  const auto element = xmpp::stanza_element(message);
  const auto* body = element ? element->child(xmpp::ns::client, "body") : nullptr;
  return {body ? body->text() : std::string(), envelope->carbon == xmpp::CarbonKind::sent, envelope->is_error};
}

}  // namespace reload::test
