// The enrollment server's key material, all in its CA directory (--ca-dir):
//
//   ca.key, ca.crt           the overlay's CA (crypto::CertificateAuthority::save/load); made
//                            on first start: ECDSA P-256, ten years, CN "reload test CA for
//                            <overlay>". Its certificate is the document's <root-cert>.
//   signer.key, signer.crt   the configuration signer: a key and a certificate the CA issued
//                            with a Node-ID of its own (recorded in issued-node-ids under the
//                            reserved name "~configuration-signer", which no user can have),
//                            kept across restarts so the document's signer stays the same;
//                            issued again when it no longer verifies under the CA.
//   issued-node-ids          the Node-ID registry (node_id_registry.hpp)
//   lock                     held (flock) while a server runs, so that two servers never
//                            share one registry
//
// The HTTPS certificate is issued afresh at every start and never written: SAN dNSName the
// overlay's instance-name (section 11.3: the server certificate matches the overlay name) and
// localhost, iPAddress the listen address.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include <boost/system/result.hpp>

#include "config/document_signer.hpp"
#include "crypto/issuance.hpp"
#include "node_id_registry.hpp"

namespace reload::enroll {

using Say = std::function<void(const std::string&)>;

// Takes the CA directory's lock (created 0700 when absent). The descriptor stays open, and
// the lock held, until the process ends.
boost::system::result<void, std::string> lock_ca_dir(const std::filesystem::path& dir);

boost::system::result<crypto::CertificateAuthority, std::string> load_or_create_ca(const std::filesystem::path& dir,
                                                                                   const std::string& overlay,
                                                                                   const Say& say);

boost::system::result<config::SigningKey, std::string> load_or_issue_signer(const std::filesystem::path& dir,
                                                                           const crypto::CertificateAuthority& ca,
                                                                           const std::string& overlay,
                                                                           NodeIdRegistry& registry, const Say& say);

struct TlsIdentity {
  crypto::PrivateKey key;
  crypto::Certificate certificate;
};
boost::system::result<TlsIdentity, std::string> issue_https_identity(const crypto::CertificateAuthority& ca,
                                                                     const std::string& overlay,
                                                                     const std::string& listen_address);

}  // namespace reload::enroll
