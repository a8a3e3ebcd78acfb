#include "xmpp/stanza_envelope.hpp"

#include <optional>
#include <string>
#include <utility>

#include "xmpp/jid.hpp"

namespace reload::xmpp {

namespace {

using boost::system::result;

class StanzaCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "xmpp-stanza"; }
  std::string message(int ev) const override {
    switch (static_cast<stanza_errc>(ev)) {
      case stanza_errc::not_a_stanza:
        return "not a jabber:client message, presence or iq";
      case stanza_errc::malformed_to:
        return "'to' is not a valid JID";
      case stanza_errc::malformed_from:
        return "'from' is not a valid JID";
      case stanza_errc::malformed_iq:
        return "iq without 'id' or with a 'type' other than get, set, result or error";
      case stanza_errc::malformed_origin_id:
        return "origin-id without an id, with an empty one, or more than one";
      case stanza_errc::carbon_without_forwarded:
        return "carbon without <forwarded/>";
      case stanza_errc::carbon_without_message:
        return "carbon whose <forwarded/> holds no jabber:client <message/>";
      case stanza_errc::carbon_ambiguous:
        return "carbon with two wrappers, two <forwarded/> or two messages";
      case stanza_errc::carbon_nested:
        return "carbon inside a carbon";
      case stanza_errc::carbon_inner_invalid:
        return "carbon whose forwarded message has a bad JID or origin-id";
    }
    return "unknown stanza error";
  }
};

result<StanzaAddress> address_of(const Element& stanza, std::string_view attribute,
                                 stanza_errc on_error) {
  const auto text = stanza.attribute(attribute);
  if (!text) return StanzaAddress{};
  auto jid = Jid::parse(*text);
  if (!jid) return make_error_code(on_error);
  return StanzaAddress{jid->bare_string(), jid->resourcepart().value_or(std::string())};
}

result<StanzaKind> kind_of(const Element& stanza) {
  if (stanza.ns() != ns::client) return make_error_code(stanza_errc::not_a_stanza);
  if (stanza.name() == "message") return StanzaKind::message;
  if (stanza.name() == "presence") return StanzaKind::presence;
  if (stanza.name() == "iq") return StanzaKind::iq;
  return make_error_code(stanza_errc::not_a_stanza);
}

MessageType message_type_of(std::string_view type) {
  if (type == "chat") return MessageType::chat;
  if (type == "groupchat") return MessageType::groupchat;
  if (type == "headline") return MessageType::headline;
  return MessageType::normal;  // "normal", absent, or not understood (RFC 6121 5.2.2)
}

bool is_iq_type(std::string_view type) {
  return type == "get" || type == "set" || type == "result" || type == "error";
}

// XEP-0359 leaves no room for two origin-ids: which one would name the message?
result<std::optional<std::string>> origin_id_of(const Element& message) {
  std::optional<std::string> found;
  for (const Element& child : message.child_elements()) {
    if (!child.is(ns::sid, "origin-id")) continue;
    const auto id = child.attribute("id");
    if (found || !id || id->empty()) return make_error_code(stanza_errc::malformed_origin_id);
    found = std::string(*id);
  }
  return found;
}

// The one <received/> or <sent/> of a message, or none.
result<const Element*> carbon_wrapper_of(const Element& message) {
  const Element* wrapper = nullptr;
  for (const Element& child : message.child_elements()) {
    if (child.ns() != ns::carbons || (child.name() != "received" && child.name() != "sent"))
      continue;
    if (wrapper) return make_error_code(stanza_errc::carbon_ambiguous);
    wrapper = &child;
  }
  return wrapper;
}

// The message a carbon wrapper forwards: exactly one <forwarded/> holding exactly one
// jabber:client <message/> (XEP-0297 allows a <delay/> beside it, which is not read).
result<const Element*> forwarded_message_of(const Element& wrapper) {
  const Element* forwarded = nullptr;
  for (const Element& child : wrapper.child_elements()) {
    if (!child.is(ns::forward, "forwarded")) continue;
    if (forwarded) return make_error_code(stanza_errc::carbon_ambiguous);
    forwarded = &child;
  }
  if (!forwarded) return make_error_code(stanza_errc::carbon_without_forwarded);
  const Element* inner = nullptr;
  for (const Element& child : forwarded->child_elements()) {
    if (!child.is(ns::client, "message")) continue;
    if (inner) return make_error_code(stanza_errc::carbon_ambiguous);
    inner = &child;
  }
  if (!inner) return make_error_code(stanza_errc::carbon_without_message);
  return inner;
}

// Everything but the carbon: what a message inside a carbon has too.
result<StanzaEnvelope> plain_envelope_of(const std::shared_ptr<const Element>& stanza) {
  const Element& e = *stanza;
  StanzaEnvelope envelope;
  auto kind = kind_of(e);
  if (!kind) return kind.error();
  envelope.kind = *kind;

  auto to = address_of(e, "to", stanza_errc::malformed_to);
  if (!to) return to.error();
  envelope.to = std::move(*to);
  auto from = address_of(e, "from", stanza_errc::malformed_from);
  if (!from) return from.error();
  envelope.from = std::move(*from);

  const std::string_view type = e.attribute("type").value_or(std::string_view());
  envelope.is_error = type == "error";
  if (envelope.kind == StanzaKind::iq && (!is_iq_type(type) || !e.attribute("id")))
    return make_error_code(stanza_errc::malformed_iq);

  if (envelope.kind == StanzaKind::message) {
    envelope.message_type = message_type_of(type);
    auto origin_id = origin_id_of(e);
    if (!origin_id) return origin_id.error();
    envelope.origin_id = std::move(*origin_id);
    envelope.private_hint = e.child(ns::carbons, "private") != nullptr;
    envelope.no_copy_hint = e.child(ns::hints, "no-copy") != nullptr;
  }
  envelope.payload = stanza;
  return envelope;
}

}  // namespace

const boost::system::error_category& stanza_category() noexcept {
  static const StanzaCategory category;
  return category;
}

result<StanzaEnvelope> envelope_of(std::shared_ptr<const Element> stanza) {
  if (!stanza) return make_error_code(stanza_errc::not_a_stanza);
  auto envelope = plain_envelope_of(stanza);
  if (!envelope || envelope->kind != StanzaKind::message) return envelope;

  auto wrapper = carbon_wrapper_of(*stanza);
  if (!wrapper) return wrapper.error();
  if (!*wrapper) return envelope;
  auto inner_element = forwarded_message_of(**wrapper);
  if (!inner_element) return inner_element.error();

  // Shares ownership with the outer stanza, which holds the inner message.
  std::shared_ptr<const Element> inner_stanza(stanza, *inner_element);
  if (auto nested = carbon_wrapper_of(*inner_stanza); !nested || *nested)
    return make_error_code(stanza_errc::carbon_nested);
  auto inner = plain_envelope_of(inner_stanza);
  if (!inner) return make_error_code(stanza_errc::carbon_inner_invalid);

  envelope->carbon = (*wrapper)->name() == "received" ? CarbonKind::received : CarbonKind::sent;
  envelope->forwarded = std::make_shared<const StanzaEnvelope>(std::move(*inner));
  return envelope;
}

std::shared_ptr<const Element> stanza_element(const StanzaEnvelope& envelope) noexcept {
  return std::static_pointer_cast<const Element>(envelope.payload);
}

std::string to_jid_string(const StanzaAddress& address) {
  if (address.resource.empty()) return address.bare;
  return address.bare + '/' + address.resource;
}

}  // namespace reload::xmpp
