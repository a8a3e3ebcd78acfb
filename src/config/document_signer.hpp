// The producing side of configuration signatures: fills an unsigned template document with
// root-certs, the signer's Node-ID as configuration-signer and kind-signer, a
// kind-signature after every <kind>, and a <signature> after every <configuration>
// (RFC 6940 section 11.1). The enrollment server does this at start; tests use it to make
// signed documents.
//
// The template is an ordinary overlay document (overlay-config/*.xml) without signatures.
// Its text is kept byte for byte; the new elements are inserted as text (escaped where
// needed) with the indentation of their neighbours, so the result reads like the template.
// Root-certs and signers already in the template are kept (a document may name a backup
// signer); a template that already holds a <signature> or <kind-signature> is refused,
// because filling it in would make that signature stale. The result is parsed again before
// it is returned, so what this produces the parser accepts.
//
// A SecurityBlock here holds the signer's certificate, then the intermediates, and a
// signature with a cert_hash identity (SHA-256 of the DER, as src/crypto names
// certificates) over exactly the signed element's bytes (signature_check.hpp).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "config/errors.hpp"
#include "config/overlay_document.hpp"
#include "crypto/certificate.hpp"
#include "crypto/private_key.hpp"
#include "wire/node_id.hpp"

namespace reload::config {

// Who signs: a key, its certificate (issued by one of the overlay's roots, or self-signed
// in a self-signed overlay) and the Node-ID of that certificate it signs as.
struct SigningKey {
  crypto::PrivateKey key;
  crypto::Certificate certificate;
  wire::NodeId node_id;
  std::vector<crypto::Certificate> intermediates;  // between the certificate and a root
};

// Signs `data` as a configuration signature: the encoded SecurityBlock (not yet base64).
boost::system::result<wire::Buffer, ConfigError> make_signature_block(const SigningKey& signer,
                                                                      wire::Bytes data);

// Fills and signs every <configuration> of `template_xml`. `roots` become root-cert
// elements (each once). `options` are used to check the template and the result.
boost::system::result<std::string, ConfigError> sign_overlay_document(
    std::string_view template_xml, std::string_view source_name, const SigningKey& signer,
    std::span<const crypto::Certificate> roots, const ParseOptions& options = {});

}  // namespace reload::config
