// What the simulator's certificate and signature makers share (sim_storage.cpp,
// message_signing.cpp).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <utility>

#include <boost/system/result.hpp>
#include <fmt/format.h>

#include "crypto/certificate.hpp"
#include "crypto/issuance.hpp"

namespace reload::sim {

// ECDSA signatures are randomised and their DER length varies (70 to 72 bytes). Message
// sizes, and so the channel's timing, must depend on the seed alone: every signature the
// simulator makes is made again until it is this long.
inline constexpr std::size_t signature_length = 71;

// The value, or a std::runtime_error naming what failed (set-up errors end the run).
template <class T>
T must(boost::system::result<T> r, const char* what) {
  if (!r) throw std::runtime_error(fmt::format("reload-sim: {}: {}", what, r.error().message()));
  return std::move(*r);
}

// A certificate for `who`, valid 30 days, issued again until the CA's signature on it is
// signature_length bytes long.
crypto::Certificate issue_certificate(const crypto::CertificateAuthority& ca, const crypto::CertificateRequest& csr,
                                      const crypto::Identity& who);

}  // namespace reload::sim
