#include "storage/fetched_values.hpp"

#include <algorithm>

#include "crypto/signing.hpp"

namespace reload::storage {

namespace {

// False only for a value that says it does not exist; a Kind this node does not know comes
// as raw bytes, which cannot say.
bool claims_to_exist(const wire::StoredDataValue& v) {
  return std::visit(
      [](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, wire::DataValue>) return x.exists;
        else if constexpr (std::is_same_v<T, wire::RawValue>) return false;
        else return x.value.exists;
      },
      v);
}

}  // namespace

std::size_t drop_unverified_values(wire::FetchAns& answer, const wire::ResourceId& resource,
                                   std::span<const wire::GenericCertificate> certificates,
                                   crypto::CertificateCache& cache, crypto::Certificate::Clock::time_point now) {
  std::size_t dropped = 0;
  for (auto& kind : answer.kind_responses) {
    auto bad = [&](const wire::StoredData& d) {
      if (wire::is_synthesized(d.signature)) return claims_to_exist(d.value);
      return !crypto::verify_stored_data(d, resource, kind.kind, certificates, cache, now);
    };
    auto kept_end = std::remove_if(kind.values.begin(), kind.values.end(), bad);
    dropped += static_cast<std::size_t>(kind.values.end() - kept_end);
    kind.values.erase(kept_end, kind.values.end());
  }
  return dropped;
}

}  // namespace reload::storage
