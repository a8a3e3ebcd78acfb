// Choosing the configuration a node runs with, from a document that may hold several
// (RFC 6940 section 11.1): the ones whose instance-name is the overlay's, the highest
// sequence wins, an expired one is refused, an update never goes back in sequence, and its
// signatures must verify (signature_check.hpp).
//
// An expired newest configuration is refused even if an older one has not expired: the
// older one was superseded by its sequence, and a node must fetch a fresh document rather
// than fall back to a configuration its operator replaced.
#pragma once

#include <string_view>

#include <boost/system/result.hpp>

#include "config/errors.hpp"
#include "config/overlay_document.hpp"

namespace reload::config {

struct SelectOptions {
  Configuration::Clock::time_point now = Configuration::Clock::now();
  // The configuration in force, when this document is an update (a ConfigUpdate or a
  // refetch): its sequence is the floor and its signers decide (signature_check.hpp).
  const SignedConfiguration* current = nullptr;
  // Off only to read documents whose signatures are placeholders (the RFC's example) or
  // templates; a node never turns it off.
  bool verify_signatures = true;
};

boost::system::result<SignedConfiguration, ConfigError> select_configuration(
    const OverlayDocument& doc, std::string_view instance_name, const SelectOptions& options = {});

// Sequence order: an absent sequence sorts below every number.
inline int sequence_rank(const Configuration& c) noexcept {
  return c.sequence ? static_cast<int>(*c.sequence) : -1;
}

}  // namespace reload::config
