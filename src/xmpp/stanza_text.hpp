// One stanza given as XML text by a local program (reload::xmpp::Endpoint::send), parsed by
// the same restricted-XML stream parser a peer's stream goes through, as if it were the
// first stanza of a jabber:client stream: the same limits, the same refusals.
#pragma once

#include <string_view>

#include <boost/system/result.hpp>

#include "xmpp/xml_element.hpp"
#include "xmpp/xml_stream_parser.hpp"

namespace reload::xmpp {

// The one top-level element of `text` (whitespace around it allowed). Errors: the parser's
// stream_errc (not-well-formed, restricted-xml, policy-violation for the limits), or
// not-well-formed when `text` holds no element or more than one.
boost::system::result<Element> parse_stanza_text(std::string_view text, XmlLimits limits = {});

}  // namespace reload::xmpp
