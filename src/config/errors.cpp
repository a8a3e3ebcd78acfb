#include "config/errors.hpp"

#include <ostream>
#include <stdexcept>

namespace reload::config {

std::string_view config_errc_name(ConfigErrc code) noexcept {
  switch (code) {
    case ConfigErrc::malformed_xml: return "malformed_xml";
    case ConfigErrc::forbidden_markup: return "forbidden_markup";
    case ConfigErrc::limit_exceeded: return "limit_exceeded";
    case ConfigErrc::unknown_element: return "unknown_element";
    case ConfigErrc::unknown_attribute: return "unknown_attribute";
    case ConfigErrc::missing: return "missing";
    case ConfigErrc::duplicate: return "duplicate";
    case ConfigErrc::bad_value: return "bad_value";
    case ConfigErrc::unknown_kind: return "unknown_kind";
    case ConfigErrc::unknown_extension: return "unknown_extension";
    case ConfigErrc::bad_certificate: return "bad_certificate";
    case ConfigErrc::not_found: return "not_found";
    case ConfigErrc::expired: return "expired";
    case ConfigErrc::too_old: return "too_old";
    case ConfigErrc::unsigned_document: return "unsigned_document";
    case ConfigErrc::bad_signature: return "bad_signature";
    case ConfigErrc::untrusted_signer: return "untrusted_signer";
    case ConfigErrc::not_a_signer: return "not_a_signer";
    case ConfigErrc::bad_template: return "bad_template";
    case ConfigErrc::signing_failed: return "signing_failed";
    case ConfigErrc::io: return "io";
  }
  return "unknown";
}

std::string ConfigError::to_string() const {
  std::string out = file.empty() ? std::string("<configuration document>") : file;
  if (line != 0) out += ':' + std::to_string(line);
  out += ": ";
  if (!element.empty()) out += '<' + element + ">: ";
  out += reason;
  return out;
}

std::ostream& operator<<(std::ostream& os, const ConfigError& e) { return os << e.to_string(); }

void throw_exception_from_error(const ConfigError& e, const boost::source_location&) {
  throw std::runtime_error(e.to_string());
}

}  // namespace reload::config
