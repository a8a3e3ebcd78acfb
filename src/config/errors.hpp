// Why an overlay configuration document (RFC 6940 section 11.1) was refused.
//
// A configuration document is written by people and read at start-up or fetched from a
// configuration server, so every refusal says where: "FILE:LINE: <element>: reason", the
// form compilers use, which editors can jump to. Errors are values (DESIGN.md principle 7);
// the first problem found is reported, never silently replaced by a default.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include <boost/assert/source_location.hpp>

namespace reload::config {

// What kind of problem it is: tests and callers branch on this, people read the reason.
enum class ConfigErrc {
  malformed_xml = 1,    // not well-formed XML, or not UTF-8
  forbidden_markup,     // a DOCTYPE or entity declaration (never needed; billion laughs)
  limit_exceeded,       // document size, nesting depth or element count over the limit
  unknown_element,      // an element of config-base/config-chord (or no namespace) we do not know
  unknown_attribute,    // an unqualified attribute the grammar does not allow there
  missing,              // a required element or attribute is absent
  duplicate,            // a singleton element given twice, or a Kind defined twice
  bad_value,            // a number, boolean, date, base64, Node-ID, URL, ... that does not parse
  unknown_kind,         // a kind name that is not known and has no id
  unknown_extension,    // a mandatory-extension this node does not support
  bad_certificate,      // a root-cert that is not an X.509 certificate
  not_found,            // no configuration for the requested instance name
  expired,              // the selected configuration's expiration has passed
  too_old,              // an update whose sequence is lower than the current one
  unsigned_document,    // no signature (or kind-signature) where one is required
  bad_signature,        // the SecurityBlock does not decode or its signature does not verify
  untrusted_signer,     // the signer's certificate does not chain to the root-certs
  not_a_signer,         // the signer's Node-ID is not a configuration-signer / kind-signer
  bad_template,         // the document given to the signer already holds what it fills in
  signing_failed,       // the private key could not sign (OpenSSL)
  io,                   // the file could not be read
};

// A short stable name for the code ("bad_value"), for logs and test messages.
std::string_view config_errc_name(ConfigErrc code) noexcept;

struct ConfigError {
  ConfigErrc code = ConfigErrc::bad_value;
  std::string file;     // the source name given to the parser (a path, a URL, "<memory>")
  unsigned line = 0;    // 1-based; 0 when the problem has no place in the text
  std::string element;  // as written, with its prefix ("chord:chord-ping-interval")
  std::string reason;

  // "FILE:LINE: <element>: reason" (", LINE" and "<element>: " left out when unknown).
  std::string to_string() const;
};

// Prints to_string(): also what test frameworks and boost's result operator<< show.
std::ostream& operator<<(std::ostream& os, const ConfigError& e);

// boost::system::result<T, ConfigError>::value() on an error throws through this (ADL).
// Only start-up code that wants to end the process with the message calls value() blindly.
[[noreturn]] void throw_exception_from_error(const ConfigError& e,
                                             const boost::source_location& loc);

}  // namespace reload::config
