#include "xmpp/precis.hpp"

#include "xmpp/jid_errors.hpp"
#include "xmpp/precis_bidi_rule.hpp"
#include "xmpp/precis_context_rules.hpp"
#include "xmpp/precis_derived_property.hpp"
#include "xmpp/precis_mappings.hpp"
#include "xmpp/precis_utf.hpp"

namespace reload::xmpp::precis {

namespace {

// RFC 8264 section 7: after the first pass, at most three more before giving up.
constexpr int max_extra_passes = 3;

StringClass string_class_of(Profile p) noexcept {
  return p == Profile::username_case_mapped ? StringClass::identifier : StringClass::freeform;
}

// The mapping and normalisation rules of one pass (the directionality rule maps nothing:
// it is a check, made once the string is stable).
std::u32string apply_rules(Profile p, std::u32string_view s) {
  if (p == Profile::username_case_mapped) return to_nfc(to_lower(map_width(s)));
  return to_nfc(map_non_ascii_spaces(s));
}

}  // namespace

boost::system::error_code check_string_class(StringClass string_class, std::u32string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char32_t cp = s[i];
    switch (derived_property(cp)) {
      case DerivedProperty::pvalid:
        break;
      case DerivedProperty::free_pval:
        if (string_class == StringClass::freeform) break;
        return make_jid_error(jid_errc::disallowed_character, JidPart::none, cp);
      case DerivedProperty::contextj:
      case DerivedProperty::contexto:
        if (context_rule_holds(s, i)) break;
        return make_jid_error(jid_errc::context_rule, JidPart::none, cp);
      case DerivedProperty::disallowed:
        return make_jid_error(jid_errc::disallowed_character, JidPart::none, cp);
      case DerivedProperty::unassigned:
        return make_jid_error(jid_errc::unassigned_character, JidPart::none, cp);
    }
  }
  return {};
}

boost::system::result<std::string> enforce(Profile profile, std::string_view utf8) {
  auto decoded = decode_utf8(utf8);
  if (!decoded) return make_jid_error(jid_errc::invalid_utf8);

  std::u32string s = apply_rules(profile, *decoded);
  bool stable = false;
  for (int pass = 0; pass < max_extra_passes && !stable; ++pass) {
    std::u32string again = apply_rules(profile, s);
    stable = again == s;
    s = std::move(again);
  }
  if (!stable) return make_jid_error(jid_errc::unstable);

  // Errors in the order that explains the most: nothing there, then the first code point
  // the class refuses, then the directionality of what is left.
  if (s.empty()) return make_jid_error(jid_errc::empty);
  if (auto ec = check_string_class(string_class_of(profile), s)) return ec;
  if (profile == Profile::username_case_mapped && has_right_to_left(s) && !satisfies_bidi_rule(s))
    return make_jid_error(jid_errc::bidi_rule);
  return encode_utf8(s);
}

}  // namespace reload::xmpp::precis
