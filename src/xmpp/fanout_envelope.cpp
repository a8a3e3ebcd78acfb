#include "xmpp/fanout_envelope.hpp"

#include <utility>

namespace reload::xmpp {

bool fans_out(const StanzaEnvelope& stanza) {
  return stanza.kind == StanzaKind::message && !stanza.is_error &&
         stanza.carbon == CarbonKind::none &&
         (stanza.message_type == MessageType::chat || stanza.message_type == MessageType::normal);
}

bool carbon_eligible(const StanzaEnvelope& stanza) {
  return fans_out(stanza) && !stanza.private_hint && !stanza.no_copy_hint;
}

StanzaEnvelope wrap_in_carbon(CarbonKind kind, std::shared_ptr<const StanzaEnvelope> original,
                              std::string_view user_bare_jid, StanzaAddress to) {
  StanzaEnvelope carbon;
  carbon.kind = StanzaKind::message;
  carbon.message_type = original ? original->message_type : MessageType::normal;
  carbon.from = StanzaAddress{std::string(user_bare_jid), {}};
  carbon.to = std::move(to);
  carbon.carbon = kind;
  carbon.forwarded = std::move(original);
  return carbon;
}

}  // namespace reload::xmpp
