// What a fetching node does with a FetchAns before it believes it (RFC 6940 section 7.4.2.2):
// "nodes MUST verify the signatures on all the received values. Any values with invalid
// signatures (including expired certificates) MUST be discarded." Each value is checked
// against its storer's certificate, taken from the answer's security block (section 6.3.4:
// the answering peer includes every referenced certificate) or the cache, chained to the
// overlay's roots and unexpired. A non-existent value the answering peer synthesized
// (identity none, algorithm {0,0}) is kept, since the answer's own signature covers it; a
// synthesized value that claims to exist is discarded, and so is the value of a Kind this
// node does not know (its signature cannot be read out of the raw bytes).
#pragma once

#include <cstddef>
#include <span>

#include "crypto/certificate_cache.hpp"
#include "wire/fetch.hpp"
#include "wire/security_block.hpp"

namespace reload::storage {

// Removes from `answer` every value that does not verify; returns how many went.
std::size_t drop_unverified_values(wire::FetchAns& answer, const wire::ResourceId& resource,
                                   std::span<const wire::GenericCertificate> certificates,
                                   crypto::CertificateCache& cache,
                                   crypto::Certificate::Clock::time_point now = crypto::Certificate::Clock::now());

}  // namespace reload::storage
