// XMPP stream errors (RFC 6120 section 4.9): the defined conditions as an error category, and
// the <stream:error/> element both ways. A stream error is unrecoverable: whoever sends one
// closes the stream right after it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <boost/system/error_code.hpp>

#include "xmpp/xml_element.hpp"

namespace reload::xmpp {

// RFC 6120 section 4.9.3, in the order of the RFC.
enum class stream_errc {
  bad_format = 1,
  bad_namespace_prefix,
  conflict,
  connection_timeout,
  host_gone,
  host_unknown,
  improper_addressing,
  internal_server_error,
  invalid_from,
  invalid_namespace,
  invalid_xml,
  not_authorized,
  not_well_formed,
  policy_violation,
  remote_connection_failed,
  reset,
  resource_constraint,
  restricted_xml,
  see_other_host,
  system_shutdown,
  undefined_condition,
  unsupported_encoding,
  unsupported_feature,
  unsupported_stanza_type,
  unsupported_version,
};

// The condition's element name ("restricted-xml"); empty for a value outside the enum.
std::string_view stream_condition_name(stream_errc condition) noexcept;
std::optional<stream_errc> stream_condition_from_name(std::string_view name) noexcept;

const boost::system::error_category& stream_category() noexcept;

inline boost::system::error_code make_error_code(stream_errc e) noexcept {
  return {static_cast<int>(e), stream_category()};
}

// Appends `<stream:error><condition xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>`
// for a stream whose header bound `stream:`. `text`, when not empty, becomes the optional
// <text/> child (for people reading logs, RFC 6120 section 4.9.4); it is escaped, and left out
// if it cannot be written as XML.
void append_stream_error(std::string& out, stream_errc condition, std::string_view text = {});

// The error followed by the closing stream tag: what a stream ends with after an error.
std::string stream_error_and_close(stream_errc condition);

// The condition a received <stream:error/> names: its first child in the stream-errors
// namespace. A condition this code does not know, or none, reads as undefined-condition.
stream_errc stream_error_condition(const Element& stream_error);

}  // namespace reload::xmpp

template <>
struct boost::system::is_error_code_enum<reload::xmpp::stream_errc> : std::true_type {};
