// TLS set-up of the enrollment exchange (RFC 6940 sections 11.2 and 11.3) on both ends: the
// enrollment client verifies the server like a browser would (the chain to a CA file or the
// system's roots, and the name), the server presents a certificate its CA issued.
//
// Overlay links have their own set-up (src/transport/tls_context.hpp): they authenticate
// both ends with overlay certificates and RELOAD's rules. This is plain HTTPS (RFC 2818),
// so it lives apart, in the enrollment library, which sits below src/transport. Both honour
// SSLKEYLOGFILE like curl and browsers (DESIGN.md principle 3), so a capture of an
// enrollment can be read in Wireshark.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/result.hpp>

#include "crypto/certificate.hpp"
#include "crypto/private_key.hpp"

namespace reload::config {

// TLS 1.2 or newer, peer verification on, trusting `ca_file` (PEM, one or more
// certificates) or, without it, the system's default roots. The name check is per
// connection (https_client.hpp). Errors are one line.
boost::system::result<std::shared_ptr<boost::asio::ssl::context>, std::string> make_https_client_context(
    const std::optional<std::filesystem::path>& ca_file);

// TLS 1.2 or newer, presenting `certificate` (then `chain`, e.g. the issuing CA) with `key`;
// no client certificates (enrollment authenticates with a password).
boost::system::result<std::shared_ptr<boost::asio::ssl::context>, std::string> make_https_server_context(
    const crypto::PrivateKey& key, const crypto::Certificate& certificate,
    const std::vector<crypto::Certificate>& chain = {});

}  // namespace reload::config
