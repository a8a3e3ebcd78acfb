// The domainpart of a JID (RFC 7622 section 3.2): an IPv6 literal in brackets, or a domain
// name of NR-LDH labels and IDNA2008 U-labels (IPv4 dotted quads are such names). A-labels
// are turned into U-labels, which is the form comparison uses.
#pragma once

#include <string>
#include <string_view>

#include <boost/system/result.hpp>

namespace reload::xmpp {

// Enforcement: width mapping, lowercase and NFC (RFC 7622 section 3.2.3, the mappings of RFC
// 5895), the ideographic and fullwidth full stops as label separators, one trailing dot
// removed, every label checked (LDH rules for ASCII, libidn2 for U- and A-labels), the Bidi
// Rule on every label of a domain with right-to-left text, and 1..1023 octets.
// Errors are jid_category() errors about JidPart::domainpart.
boost::system::result<std::string> prepare_domainpart(std::string_view utf8);

}  // namespace reload::xmpp
