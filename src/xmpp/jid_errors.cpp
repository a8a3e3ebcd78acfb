#include "xmpp/jid_errors.hpp"

#include <string>

#include <fmt/format.h>
#include <idn2.h>

namespace reload::xmpp {

namespace {

// Layout of an error value: detail in bits 0-20 (a code point needs 21), reason in bits
// 21-27, part in bits 28-29. A value below 1 << 21 is a bare reason: an error_condition.
constexpr int detail_bits = 21;
constexpr int reason_bits = 7;
constexpr std::uint32_t detail_mask = (1u << detail_bits) - 1;
constexpr std::uint32_t reason_mask = (1u << reason_bits) - 1;

struct Fields {
  jid_errc reason;
  JidPart part;
  std::uint32_t detail;
};

Fields unpack(int value) noexcept {
  auto v = static_cast<std::uint32_t>(value);
  if (v <= detail_mask) return {static_cast<jid_errc>(v), JidPart::none, 0};
  return {static_cast<jid_errc>((v >> detail_bits) & reason_mask),
          static_cast<JidPart>((v >> (detail_bits + reason_bits)) & 3u), v & detail_mask};
}

int pack(jid_errc reason, JidPart part, std::uint32_t detail) noexcept {
  return static_cast<int>((static_cast<std::uint32_t>(part) << (detail_bits + reason_bits)) |
                          ((static_cast<std::uint32_t>(reason) & reason_mask) << detail_bits) |
                          (detail & detail_mask));
}

std::string code_point(std::uint32_t cp) {
  return fmt::format("U+{:04X}", cp);
}

std::string reason_text(jid_errc reason, std::uint32_t detail) {
  switch (reason) {
    case jid_errc::invalid_utf8:
      return "not well-formed UTF-8";
    case jid_errc::empty:
      return "empty";
    case jid_errc::too_long:
      return "longer than 1023 octets";
    case jid_errc::disallowed_character:
      return "disallowed character " + code_point(detail);
    case jid_errc::unassigned_character:
      return "unassigned code point " + code_point(detail);
    case jid_errc::context_rule:
      return code_point(detail) + " is not allowed here (RFC 5892 contextual rule)";
    case jid_errc::bidi_rule:
      return "right-to-left text breaks the Bidi Rule (RFC 5893)";
    case jid_errc::unstable:
      return "preparation does not reach a stable result";
    case jid_errc::empty_label:
      return "empty label";
    case jid_errc::hyphen_in_label:
      return "a label begins or ends with a hyphen";
    case jid_errc::reserved_label:
      return "a label has \"--\" in the third and fourth positions but is no A-label";
    case jid_errc::label_too_long:
      return "a label is longer than 63 octets";
    case jid_errc::idna:
      return std::string("IDNA2008: ") + idn2_strerror(-static_cast<int>(detail));
    case jid_errc::bad_ip_literal:
      return "not an IPv6 address literal";
  }
  return "unknown JID error";
}

class JidCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "reload.jid"; }

  std::string message(int ev) const override {
    Fields f = unpack(ev);
    std::string text = reason_text(f.reason, f.detail);
    if (f.part == JidPart::none) return text;
    return std::string(to_string(f.part)) + ": " + text;
  }

  // Part and detail describe one error; the condition is the reason alone.
  boost::system::error_condition default_error_condition(int ev) const noexcept override {
    return {static_cast<int>(unpack(ev).reason), *this};
  }
};

}  // namespace

const char* to_string(JidPart part) noexcept {
  switch (part) {
    case JidPart::none:
      return "";
    case JidPart::localpart:
      return "localpart";
    case JidPart::domainpart:
      return "domainpart";
    case JidPart::resourcepart:
      return "resourcepart";
  }
  return "";
}

const boost::system::error_category& jid_category() noexcept {
  static const JidCategory c;
  return c;
}

boost::system::error_code make_jid_error(jid_errc reason, JidPart part,
                                         std::uint32_t detail) noexcept {
  return {pack(reason, part, detail), jid_category()};
}

boost::system::error_code with_part(const boost::system::error_code& ec, JidPart part) noexcept {
  if (ec.category() != jid_category()) return ec;
  Fields f = unpack(ec.value());
  return make_jid_error(f.reason, part, f.detail);
}

JidPart jid_error_part(const boost::system::error_code& ec) noexcept {
  return ec.category() == jid_category() ? unpack(ec.value()).part : JidPart::none;
}

std::uint32_t jid_error_detail(const boost::system::error_code& ec) noexcept {
  return ec.category() == jid_category() ? unpack(ec.value()).detail : 0;
}

}  // namespace reload::xmpp
