// The names RFC 6940 gives the enrollment exchange (sections 11.2 and 11.3), shared by the
// enrollment client and reload-enroll-server so that the two cannot drift apart.
#pragma once

#include <array>
#include <string_view>

namespace reload::config::enrollment {

// Section 11.2: where a configuration server serves the document, and its media type.
inline constexpr std::string_view well_known_path = "/.well-known/reload-config";
inline constexpr std::string_view config_media_type = "application/p2p-overlay+xml";

// Section 11.3: the form's fields and media types.
inline constexpr std::string_view field_username = "username";
inline constexpr std::string_view field_password = "password";
inline constexpr std::string_view field_nodeids = "nodeids";
inline constexpr std::string_view field_csr = "csr";
inline constexpr std::string_view csr_media_type = "application/pkcs10";
inline constexpr std::string_view certificate_media_type = "application/pkix-cert";

// Section 11.3: the bodies of a 403 answer (text/plain).
inline constexpr std::string_view failed_authentication = "failed_authentication";
inline constexpr std::string_view username_not_available = "username_not_available";
inline constexpr std::string_view node_ids_not_available = "Node-IDs_not_available";
inline constexpr std::string_view bad_csr = "bad_CSR";
inline constexpr std::array<std::string_view, 4> refusal_tokens{failed_authentication, username_not_available,
                                                                node_ids_not_available, bad_csr};

}  // namespace reload::config::enrollment
