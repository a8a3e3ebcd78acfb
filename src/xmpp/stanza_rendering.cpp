#include "xmpp/stanza_rendering.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "xmpp/stanza_envelope.hpp"

namespace reload::xmpp {

namespace {

using boost::system::result;

class RenderCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "xmpp-stanza-render"; }
  std::string message(int ev) const override {
    switch (static_cast<render_errc>(ev)) {
      case render_errc::no_payload:
        return "the envelope carries no stanza to render";
      case render_errc::not_a_carbon:
        return "a carbon that wraps no message";
    }
    return "unknown rendering error";
  }
};

// One origin-id, the router's: envelope_of() allows at most one in the stanza.
void set_origin_id(Element& message, const std::string& origin_id) {
  if (Element* existing = message.child(ns::sid, "origin-id")) {
    existing->set_attribute("id", origin_id);
    return;
  }
  message.add_child(std::string(ns::sid), "origin-id").set_attribute("id", origin_id);
}

// `text` is the attribute render_original writes for `address` (to_jid_string), or there
// is none to write.
bool spells(std::optional<std::string_view> text, const StanzaAddress& address) {
  if (address.empty()) return true;
  if (!text || !text->starts_with(address.bare)) return false;
  const std::string_view rest = text->substr(address.bare.size());
  if (address.resource.empty()) return rest.empty();
  return rest.size() == address.resource.size() + 1 && rest.front() == '/' &&
         rest.substr(1) == address.resource;
}

result<std::shared_ptr<const Element>> shared(result<Element> rendered) {
  if (!rendered) return rendered.error();
  return std::make_shared<const Element>(std::move(*rendered));
}

// render_original(stanza) would give `element` back unchanged.
bool reads_as_rendered(const Element& element, const StanzaEnvelope& stanza) {
  if (!spells(element.attribute("from"), stanza.from) ||
      !spells(element.attribute("to"), stanza.to))
    return false;
  if (stanza.kind != StanzaKind::message || !stanza.origin_id || stanza.origin_id->empty())
    return true;
  const Element* origin_id = element.child(ns::sid, "origin-id");
  return origin_id && origin_id->attribute("id") == *stanza.origin_id;
}

// render_original (declared in the header), shared: the element itself when rendering
// would not change it.
result<std::shared_ptr<const Element>> shared_original(const StanzaEnvelope& stanza) {
  auto element = stanza_element(stanza);
  if (element && reads_as_rendered(*element, stanza)) return element;
  return shared(render_original(stanza));
}

}  // namespace

const boost::system::error_category& render_category() noexcept {
  static const RenderCategory category;
  return category;
}

result<Element> render_original(const StanzaEnvelope& stanza) {
  const auto element = stanza_element(stanza);
  if (!element) return make_error_code(render_errc::no_payload);
  Element out = *element;
  if (!stanza.from.empty()) out.set_attribute("from", to_jid_string(stanza.from));
  if (!stanza.to.empty()) out.set_attribute("to", to_jid_string(stanza.to));
  if (stanza.kind == StanzaKind::message && stanza.origin_id && !stanza.origin_id->empty())
    set_origin_id(out, *stanza.origin_id);
  return out;
}

result<Element> render_carbon(CarbonKind kind, const StanzaEnvelope& original,
                              std::string_view user_bare_jid, const StanzaAddress& to) {
  if (kind == CarbonKind::none) return make_error_code(render_errc::not_a_carbon);
  auto inner = render_original(original);
  if (!inner) return inner.error();

  Element carbon(std::string(ns::client), "message");
  carbon.set_attribute("from", user_bare_jid);
  carbon.set_attribute("to", to_jid_string(to));
  // XEP-0280 section 6: the wrapper SHOULD keep the original's type, so that a client
  // that files messages by type without opening carbons still files it right.
  if (const auto type = inner->attribute("type")) carbon.set_attribute("type", *type);
  const char* wrapper_name = kind == CarbonKind::received ? "received" : "sent";
  Element& wrapper = carbon.add_child(std::string(ns::carbons), wrapper_name);
  Element& forwarded = wrapper.add_child(std::string(ns::forward), "forwarded");
  forwarded.add_child(std::move(*inner));
  return carbon;
}

result<std::shared_ptr<const Element>> render_send(const fanout::SendTo& send,
                                                   const StanzaAddress& self,
                                                   const DeviceLink& recipient) {
  if (!send.stanza) return make_error_code(render_errc::no_payload);
  const StanzaAddress device{recipient.bare_jid, recipient.resource};
  switch (send.wrapping) {
    case fanout::Wrapping::as_is:
      return shared_original(*send.stanza);
    case fanout::Wrapping::received_carbon:
      return shared(render_carbon(CarbonKind::received, *send.stanza, self.bare, device));
    case fanout::Wrapping::sent_carbon:
      return shared(render_carbon(CarbonKind::sent, *send.stanza, self.bare, device));
  }
  return make_error_code(render_errc::no_payload);
}

result<std::shared_ptr<const Element>> render_delivery(const fanout::DeliverLocally& deliver,
                                                       const StanzaAddress& self) {
  if (!deliver.stanza) return make_error_code(render_errc::no_payload);
  const StanzaEnvelope& stanza = *deliver.stanza;
  if (stanza.carbon == CarbonKind::none) return shared_original(stanza);
  if (!stanza.forwarded) return make_error_code(render_errc::not_a_carbon);
  return shared(render_carbon(stanza.carbon, *stanza.forwarded, self.bare, self));
}

}  // namespace reload::xmpp
