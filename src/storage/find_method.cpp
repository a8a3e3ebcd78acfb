// DataStore::find (RFC 6940 section 7.4.4).
#include <algorithm>

#include "storage/data_store.hpp"
#include "wire/codec.hpp"

namespace reload::storage {

Result<wire::Buffer> DataStore::find(const wire::FindReq& request, const RingRange& responsible,
                                     TimePoint now) const {
  if (wire::has_duplicate_kinds(request))
    return text_error(errc::invalid_message, "a Kind-ID appears twice in the FindReq");
  if (!responsible.contains(request.resource))
    return text_error(errc::not_found, "this peer is not responsible for the Resource-ID");

  wire::FindAns answer;
  answer.results.reserve(request.kinds.size());
  for (wire::KindId kind : request.kinds) {
    wire::FindKindData result{kind, {}};  // zero length: none known, or an unknown Kind
    if (config_.find_kind(kind)) {
      // Clockwise from the requested Resource-ID, wrapping once, while still inside the
      // range this peer answers for: the walk R(n+1) = find(R(n) + 1) never goes back.
      auto start = resources_.lower_bound(request.resource);
      auto it = start;
      bool wrapped = false;
      for (std::size_t seen = 0; seen < resources_.size(); ++seen) {
        if (it == resources_.end()) {
          it = resources_.begin();
          wrapped = true;
        }
        if (wrapped && it == start) break;
        if (!responsible.contains(it->first)) break;
        const auto& sets = it->second;
        bool holds = std::any_of(sets.begin(), sets.end(), [&](const KindSet& s) {
          return s.kind() == kind && s.has_live(now);
        });
        if (holds) {
          result.closest = it->first;
          break;
        }
        ++it;
      }
    }
    answer.results.push_back(std::move(result));
  }
  auto body = wire::encode_to_buffer(answer);
  if (!body) return text_error(errc::response_too_large, "the FindAns does not fit its length fields");
  return std::move(*body);
}

}  // namespace reload::storage
