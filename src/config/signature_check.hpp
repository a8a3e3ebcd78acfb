// Verifying a configuration's <signature> and its Kinds' <kind-signature>s (RFC 6940
// section 11.1, PITFALLS 15).
//
// Each is the base64 of a SecurityBlock (section 6.3.4) whose signature covers exactly the
// signed element's bytes: "<configuration" .. "</configuration>", or "<kind" .. "</kind>".
// The signature input is those bytes alone (the RFC signs "this binary blob"; unlike a
// message signature, no SignerIdentity is appended). The signer's certificate is the one
// of the block's certificates that its SignerIdentity names (cert_hash: H(certificate);
// cert_hash_node_id: H(Node-ID || certificate)); the others are intermediates.
//
// Who may sign, and trust anchors:
//  * A configuration: "MUST be signed by one of the configuration-signer elements from the
//    previous extant configuration". With a previous configuration (an update), its
//    root-certs and configuration-signers decide. Without one (first start), the
//    configuration vouches for itself: its own root-certs and configuration-signers. That is
//    trust on first use; the document's authenticity then rests on how it was obtained (the
//    HTTPS fetch of section 11.2, or an operator's file).
//  * A kind-block: "signed by a node listed in the kind-signers block of the current
//    configuration", chaining to the current configuration's root-certs.
// A signer whose certificate carries a bad-node Node-ID (of either configuration) is refused.
#pragma once

#include <chrono>

#include <boost/system/result.hpp>

#include "config/configuration.hpp"
#include "config/errors.hpp"
#include "config/overlay_document.hpp"

namespace reload::config {

struct VerifyOptions {
  Configuration::Clock::time_point now = Configuration::Clock::now();
  const Configuration* previous = nullptr;  // the configuration in force, for an update
};

// At least one of the configuration's <signature>s must verify and be made by an allowed
// configuration-signer; otherwise the first one's failure is reported.
boost::system::result<void, ConfigError> verify_configuration_signature(
    const SignedConfiguration& sc, const VerifyOptions& options = {});

// Every Kind must carry a kind-signature that verifies and is made by a kind-signer of
// `sc.config`.
boost::system::result<void, ConfigError> verify_kind_signatures(
    const SignedConfiguration& sc, const VerifyOptions& options = {});

// Both: what a node checks before it accepts a configuration.
boost::system::result<void, ConfigError> verify_signed_configuration(
    const SignedConfiguration& sc, const VerifyOptions& options = {});

}  // namespace reload::config
