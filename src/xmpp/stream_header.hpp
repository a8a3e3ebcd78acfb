// The stream header (RFC 6120 section 4.7): reading the attributes of a received one,
// checking what does not depend on who the peer is (namespaces, version), and writing ours.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/system/error_code.hpp>

#include "xmpp/stream_error.hpp"
#include "xmpp/xml_stream_parser.hpp"

namespace reload::xmpp {

// An attribute that is absent reads as empty: none of them may be empty when present.
struct StreamHeader {
  std::string from;
  std::string to;
  std::string id;
  std::string version;
  std::string lang;               // xml:lang
  std::string content_namespace;  // the default namespace declared on the header
};

StreamHeader read_stream_header(const StreamRoot& root);

// The version this code speaks, and the one it writes.
inline constexpr std::string_view stream_version = "1.0";

// RFC 6120 section 4.7.5: "major.minor", each an integer (leading zeros ignored). Any 1.x is
// spoken as 1.0 (a higher minor version must be treated as 1.0 by the lower end); a missing
// version means pre-1.0 and is refused, as is any other major version.
bool is_supported_version(std::string_view version) noexcept;

// The checks that do not depend on the peer's identity, in the order RFC 6120 section 4.8
// gives them: the root must be <stream> in the streams namespace and the content namespace
// jabber:client (else invalid-namespace), the version 1.x (else unsupported-version).
std::optional<stream_errc> check_stream_header(const StreamRoot& root,
                                               const StreamHeader& header);

// Appends `<?xml version='1.0'?><stream:stream xmlns='jabber:client'
// xmlns:stream='http://etherx.jabber.org/streams' from='..' to='..' id='..' version='1.0'>`,
// leaving out empty attributes (the version is always written). Refuses values that cannot
// be written as XML; `out` is then unchanged.
boost::system::error_code append_stream_header(std::string& out, const StreamHeader& header);

}  // namespace reload::xmpp
