#include "xmpp/jid_domainpart.hpp"

#include <algorithm>
#include <memory>
#include <vector>

#include <boost/url/ipv6_address.hpp>
#include <idn2.h>

#include "xmpp/jid_errors.hpp"
#include "xmpp/jid_limits.hpp"
#include "xmpp/precis_bidi_rule.hpp"
#include "xmpp/precis_mappings.hpp"
#include "xmpp/precis_utf.hpp"

namespace reload::xmpp {

namespace {

using boost::system::error_code;
using boost::system::result;

constexpr std::size_t max_label_octets = 63;  // RFC 1034 section 3.1, for A-labels too

error_code domain_error(jid_errc reason, std::uint32_t detail = 0) {
  return make_jid_error(reason, JidPart::domainpart, detail);
}

struct Idn2String {
  void operator()(char* p) const noexcept { idn2_free(p); }
};
using Idn2Ptr = std::unique_ptr<char, Idn2String>;

bool is_ascii(std::u32string_view s) {
  return std::all_of(s.begin(), s.end(), [](char32_t c) { return c < 0x80; });
}

bool is_ldh(char32_t c) {
  return (c >= U'a' && c <= U'z') || (c >= U'0' && c <= U'9') || c == U'-';
}

// "[v6 address]": in RFC 5952's canonical text, so "[0::1]" and "[::1]" are one domainpart.
result<std::string> prepare_ip_literal(std::string_view text) {
  if (text.size() < 3 || text.back() != ']') return domain_error(jid_errc::bad_ip_literal);
  auto address = boost::urls::parse_ipv6_address(text.substr(1, text.size() - 2));
  if (!address) return domain_error(jid_errc::bad_ip_literal);
  return "[" + address->to_string() + "]";
}

// libidn2's registration check (RFC 5891 section 4): a U-label must satisfy every IDNA2008
// rule, the CONTEXTO ones included, which its lookup check (section 5) leaves out. One of
// `u_label` and `a_label` is given.
error_code idna2008_check(const char* u_label, const char* a_label) {
  std::uint8_t* registered = nullptr;
  int rc = idn2_register_u8(reinterpret_cast<const std::uint8_t*>(u_label),
                            reinterpret_cast<const std::uint8_t*>(a_label), &registered, 0);
  idn2_free(registered);
  if (rc == IDN2_OK) return {};
  if (rc == IDN2_TOO_BIG_LABEL || rc == IDN2_PUNYCODE_BIG_OUTPUT)
    return domain_error(jid_errc::label_too_long);
  return domain_error(jid_errc::idna, static_cast<std::uint32_t>(-rc));
}

// An "xn--" label: libidn2 checks that it decodes to a valid U-label that encodes back to
// the same A-label; the U-label is what the domainpart keeps.
result<std::u32string> a_label_to_u_label(const std::string& label) {
  if (auto ec = idna2008_check(nullptr, label.c_str())) return ec;
  char* unicode = nullptr;
  int rc = idn2_to_unicode_8z8z(label.c_str(), &unicode, 0);
  Idn2Ptr owner(unicode);
  if (rc != IDN2_OK) return domain_error(jid_errc::idna, static_cast<std::uint32_t>(-rc));
  auto decoded = precis::decode_utf8(unicode);
  // An A-label of nothing but ASCII is a fake one (RFC 5890 section 2.3.2.1).
  if (!decoded || is_ascii(*decoded)) return domain_error(jid_errc::reserved_label);
  return std::move(*decoded);
}

// A U-label: code points (RFC 5892), contextual rules, hyphens, leading combining marks,
// the Bidi Rule of the label, and the length of its A-label.
result<std::u32string> check_u_label(std::u32string label) {
  const std::string u8 = precis::encode_utf8(label);
  if (auto ec = idna2008_check(u8.c_str(), nullptr)) return ec;
  return label;
}

// One label, already mapped: its U-label form, or why it is not a label.
result<std::u32string> prepare_label(std::u32string_view label) {
  if (label.empty()) return domain_error(jid_errc::empty_label);
  // ASCII in a label, in an U-label too, is only letters, digits and hyphen.
  for (char32_t c : label)
    if (c < 0x80 && !is_ldh(c)) return domain_error(jid_errc::disallowed_character, c);
  if (label.front() == U'-' || label.back() == U'-') return domain_error(jid_errc::hyphen_in_label);
  if (!is_ascii(label)) return check_u_label(std::u32string(label));

  std::string ascii = precis::encode_utf8(label);
  if (ascii.size() > max_label_octets) return domain_error(jid_errc::label_too_long);
  if (ascii.size() < 4 || ascii.compare(2, 2, "--") != 0) return std::u32string(label);
  if (ascii.compare(0, 4, "xn--") != 0) return domain_error(jid_errc::reserved_label);
  auto u_label = a_label_to_u_label(ascii);
  if (!u_label) return u_label.error();
  // The U-label as if it had been typed: mapped like the rest of the domain, then checked.
  // An A-label of uppercase Cherokee ("xn--bce") is valid IDNA2008, but lowercasing makes
  // it code points that are not; keeping it unmapped would make a domainpart that fails
  // when prepared again.
  return check_u_label(precis::to_nfc(precis::to_lower(*u_label)));
}

bool is_label_separator(char32_t c) {
  // RFC 3490 section 3.1 and RFC 5895 section 2, step 4. (U+FF0E and U+FF61 are already
  // U+002E and U+3002 after width mapping; listed so the function stands on its own.)
  return c == U'.' || c == U'\u3002' || c == U'\uFF0E' || c == U'\uFF61';
}

}  // namespace

result<std::string> prepare_domainpart(std::string_view utf8) {
  if (utf8.size() > jid_limits::max_input_octets) return domain_error(jid_errc::too_long);
  if (!utf8.empty() && utf8.front() == '[') return prepare_ip_literal(utf8);

  auto decoded = precis::decode_utf8(utf8);
  if (!decoded) return domain_error(jid_errc::invalid_utf8);
  std::u32string mapped = precis::to_nfc(precis::to_lower(precis::map_width(*decoded)));
  std::replace_if(mapped.begin(), mapped.end(), is_label_separator, U'.');

  // A final dot names the root: "example.com." and "example.com" are one domain.
  if (!mapped.empty() && mapped.back() == U'.') mapped.pop_back();
  if (mapped.empty()) return domain_error(jid_errc::empty);

  std::vector<std::u32string> labels;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = mapped.find(U'.', start);
    std::u32string_view label = std::u32string_view(mapped).substr(
        start, dot == std::u32string::npos ? std::u32string::npos : dot - start);
    auto prepared = prepare_label(label);
    if (!prepared) return prepared.error();
    labels.push_back(std::move(*prepared));
    if (dot == std::u32string::npos) break;
    start = dot + 1;
  }

  // RFC 5893 section 2: in a domain with a right-to-left label, every label obeys the rule.
  if (std::any_of(labels.begin(), labels.end(),
                  [](const auto& l) { return precis::has_right_to_left(l); }) &&
      !std::all_of(labels.begin(), labels.end(),
                   [](const auto& l) { return precis::satisfies_bidi_rule(l); }))
    return domain_error(jid_errc::bidi_rule);

  std::string out;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += '.';
    out += precis::encode_utf8(labels[i]);
  }
  if (out.size() > jid_limits::max_part_octets) return domain_error(jid_errc::too_long);
  return out;
}

}  // namespace reload::xmpp
