#include "storage/fetched_values.hpp"

#include <algorithm>

#include "crypto/signing.hpp"

namespace reload::storage {

std::size_t drop_unverified_values(wire::FetchAns& answer, const wire::ResourceId& resource,
                                   std::span<const wire::GenericCertificate> certificates,
                                   crypto::CertificateCache& cache, crypto::Certificate::Clock::time_point now) {
  std::size_t dropped = 0;
  for (auto& kind : answer.kind_responses) {
    auto bad = [&](const wire::StoredData& d) {
      if (wire::is_synthesized(d.signature)) {
        // Only "nothing here" may come unsigned; raw bytes of a Kind this node does not know
        // cannot show that they say so.
        const auto* v = wire::data_value_of(d.value);
        return !v || v->exists;
      }
      return !crypto::verify_stored_data(d, resource, kind.kind, certificates, cache, now);
    };
    auto kept_end = std::remove_if(kind.values.begin(), kind.values.end(), bad);
    dropped += static_cast<std::size_t>(kind.values.end() - kept_end);
    kind.values.erase(kept_end, kind.values.end());
  }
  return dropped;
}

}  // namespace reload::storage
