#include "xmpp/stanza_error.hpp"

#include <string>

#include "xmpp/stanza_envelope.hpp"

namespace reload::xmpp {

namespace {

bool is_stanza(const Element& e) {
  return e.ns() == ns::client &&
         (e.name() == "message" || e.name() == "presence" || e.name() == "iq");
}

bool may_be_answered(const Element& original) {
  if (!is_stanza(original)) return false;
  const auto type = original.attribute("type");
  if (type == "error") return false;
  return !(original.name() == "iq" && type == "result");
}

// The error stanza itself; `to` and `from` are already swapped by the caller.
Element error_stanza(const Element& original, std::optional<std::string_view> to,
                     std::optional<std::string_view> from, StanzaErrorCondition condition,
                     StanzaErrorType type) {
  Element answer(std::string(ns::client), original.name());
  if (to) answer.set_attribute("to", *to);
  if (from) answer.set_attribute("from", *from);
  if (const auto id = original.attribute("id")) answer.set_attribute("id", *id);
  answer.set_attribute("type", "error");
  Element& error = answer.add_child(std::string(ns::client), "error");
  error.set_attribute("type", error_type_name(type));
  error.add_child(std::string(ns::stanzas), std::string(condition_name(condition)));
  return answer;
}

}  // namespace

std::string_view condition_name(StanzaErrorCondition condition) noexcept {
  switch (condition) {
    case StanzaErrorCondition::bad_request:
      return "bad-request";
    case StanzaErrorCondition::feature_not_implemented:
      return "feature-not-implemented";
    case StanzaErrorCondition::forbidden:
      return "forbidden";
    case StanzaErrorCondition::internal_server_error:
      return "internal-server-error";
    case StanzaErrorCondition::jid_malformed:
      return "jid-malformed";
    case StanzaErrorCondition::not_allowed:
      return "not-allowed";
    case StanzaErrorCondition::policy_violation:
      return "policy-violation";
    case StanzaErrorCondition::recipient_unavailable:
      return "recipient-unavailable";
    case StanzaErrorCondition::resource_constraint:
      return "resource-constraint";
    case StanzaErrorCondition::service_unavailable:
      return "service-unavailable";
    case StanzaErrorCondition::undefined_condition:
      return "undefined-condition";
  }
  return "undefined-condition";
}

std::string_view error_type_name(StanzaErrorType type) noexcept {
  switch (type) {
    case StanzaErrorType::auth:
      return "auth";
    case StanzaErrorType::cancel:
      return "cancel";
    case StanzaErrorType::continue_:
      return "continue";
    case StanzaErrorType::modify:
      return "modify";
    case StanzaErrorType::wait:
      return "wait";
  }
  return "cancel";
}

StanzaErrorType default_error_type(StanzaErrorCondition condition) noexcept {
  switch (condition) {
    case StanzaErrorCondition::bad_request:
    case StanzaErrorCondition::jid_malformed:
    case StanzaErrorCondition::policy_violation:
      return StanzaErrorType::modify;
    case StanzaErrorCondition::forbidden:
      return StanzaErrorType::auth;
    case StanzaErrorCondition::recipient_unavailable:
    case StanzaErrorCondition::resource_constraint:
      return StanzaErrorType::wait;
    case StanzaErrorCondition::feature_not_implemented:
    case StanzaErrorCondition::internal_server_error:
    case StanzaErrorCondition::not_allowed:
    case StanzaErrorCondition::service_unavailable:
    case StanzaErrorCondition::undefined_condition:
      return StanzaErrorType::cancel;
  }
  return StanzaErrorType::cancel;
}

std::optional<Element> stanza_error(const Element& original, StanzaErrorCondition condition) {
  return stanza_error(original, condition, default_error_type(condition));
}

std::optional<Element> stanza_error(const Element& original, StanzaErrorCondition condition,
                                    StanzaErrorType type) {
  if (!may_be_answered(original)) return std::nullopt;
  return error_stanza(original, original.attribute("from"), original.attribute("to"), condition,
                      type);
}

std::optional<Element> stanza_error(const StanzaEnvelope& original,
                                    StanzaErrorCondition condition) {
  const auto element = stanza_element(original);
  if (!element || !may_be_answered(*element)) return std::nullopt;
  std::optional<std::string> to, from;
  if (!original.from.empty()) to = to_jid_string(original.from);
  if (!original.to.empty()) from = to_jid_string(original.to);
  return error_stanza(*element, to, from, condition, default_error_type(condition));
}

std::optional<StanzaErrorCondition> error_condition_for(const boost::system::error_code& ec) {
  if (ec.category() != stanza_category()) return std::nullopt;
  switch (static_cast<stanza_errc>(ec.value())) {
    case stanza_errc::malformed_to:
    case stanza_errc::malformed_from:
      return StanzaErrorCondition::jid_malformed;
    case stanza_errc::malformed_iq:
    case stanza_errc::malformed_origin_id:
      return StanzaErrorCondition::bad_request;
    case stanza_errc::not_a_stanza:
    case stanza_errc::carbon_without_forwarded:
    case stanza_errc::carbon_without_message:
    case stanza_errc::carbon_ambiguous:
    case stanza_errc::carbon_nested:
    case stanza_errc::carbon_inner_invalid:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<StanzaErrorCondition> error_condition_for(const fanout::Dropped& dropped) {
  if (!dropped.stanza || dropped.stanza->kind == StanzaKind::presence ||
      dropped.stanza->carbon != CarbonKind::none)
    return std::nullopt;
  using fanout::DropReason;
  switch (dropped.reason) {
    case DropReason::no_route:
    case DropReason::iq_needs_full_jid:
    case DropReason::groupchat_needs_full_jid:
    case DropReason::not_addressed_here:
      return StanzaErrorCondition::service_unavailable;
    case DropReason::unknown_link:
    case DropReason::duplicate:
    case DropReason::sender_mismatch:
    case DropReason::carbon_from_other_user:
    case DropReason::carbon_from_local_client:
    case DropReason::malformed_carbon:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<Element> undeliverable_error(const fanout::Dropped& dropped) {
  const auto condition = error_condition_for(dropped);
  if (!condition) return std::nullopt;
  return stanza_error(*dropped.stanza, *condition);
}

}  // namespace reload::xmpp
