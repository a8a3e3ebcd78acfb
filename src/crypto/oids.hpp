// Object identifiers the overlay's certificates use beyond OpenSSL's built-in names.
#pragma once

namespace reload::crypto {

// id-on-xmppAddr, an otherName holding a UTF8String JID (RFC 6120 section 13.7.1.4).
inline constexpr const char* xmpp_addr_oid = "1.3.6.1.5.5.7.8.5";

}  // namespace reload::crypto
