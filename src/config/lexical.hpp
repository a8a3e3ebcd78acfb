// The lexical forms the configuration grammar uses (RFC 6940 section 11.1.1, XML Schema
// datatypes): integers, booleans, dateTime, base64Binary, and hex Node-IDs; plus XML escaping
// for the document signer.
//
// Each parser takes the element's text as it came (whitespace is trimmed here: the RFC's own
// example writes " CHORD-RELOAD ") and returns the value or, as the error, a reason phrase
// for ConfigError. Nothing here guesses: a value that does not parse is an error.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include "wire/bytes.hpp"
#include "wire/node_id.hpp"

namespace reload::config {

// Why a value did not parse: a reason phrase for ConfigError ("'x' is not a number").
// Implicitly made from a string so that the parsers can simply return one.
struct ValueError {
  std::string reason;
  ValueError() = default;
  ValueError(std::string r) : reason(std::move(r)) {}  // NOLINT: implicit on purpose
  friend bool operator==(const ValueError&, const ValueError&) = default;
};
std::ostream& operator<<(std::ostream& os, const ValueError& e);
// For Parsed<T>::value() on an error (ADL): throws std::invalid_argument with the reason.
[[noreturn]] void throw_exception_from_error(const ValueError& e, const boost::source_location& loc);

template <class T>
using Parsed = boost::system::result<T, ValueError>;

// Removes XML whitespace (space, tab, CR, LF) from both ends.
std::string_view trim(std::string_view s) noexcept;
bool is_xml_space(char c) noexcept;
bool is_blank(std::string_view s) noexcept;

// A decimal integer in [min, max]: digits only after trimming, an optional leading '+'.
// "-1" is refused as negative, "1e3" and "" as not a number, "99999" when max is 65534 as
// out of range.
Parsed<std::uint64_t> parse_unsigned(std::string_view text, std::uint64_t min, std::uint64_t max);

// xsd:boolean: "true", "1", "false", "0" (case-sensitive, as XML Schema says).
Parsed<bool> parse_boolean(std::string_view text);

// xsd:dateTime as RFC 3339 (section 5.6): YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm|-hh:mm).
// The time zone is required (RFC 6940 asks for UTC; an offset is converted, not refused).
Parsed<std::chrono::system_clock::time_point> parse_date_time(std::string_view text);
// "2002-10-10T07:00:00Z" (whole seconds, UTC).
std::string format_date_time(std::chrono::system_clock::time_point t);

// xsd:base64Binary (RFC 4648 alphabet, padded); whitespace anywhere is ignored, as the RFC's
// example wraps root-cert over many lines.
Parsed<wire::Buffer> decode_base64(std::string_view text);
std::string encode_base64(wire::Bytes data);

// A Node-ID written in hex (upper or lower case) that must be exactly `length` bytes.
Parsed<wire::NodeId> parse_node_id(std::string_view text, std::size_t length);

// Escapes &, <, >, " and ' so that `text` can go into element content or an attribute.
std::string escape_xml(std::string_view text);

}  // namespace reload::config
