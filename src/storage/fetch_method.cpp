// DataStore::fetch and DataStore::stat (RFC 6940 sections 7.4.2 and 7.4.3): the same
// selection of values, answered with the values or with their metadata.
#include <string>

#include "storage/data_store.hpp"

namespace reload::storage {

namespace {

bool fits_model(const wire::ModelSpecifier& spec, wire::DataModel model) {
  switch (model) {
    case wire::DataModel::single_value: return std::holds_alternative<wire::SingleValueSpecifier>(spec);
    case wire::DataModel::array: return std::holds_alternative<wire::ArraySpecifier>(spec);
    case wire::DataModel::dictionary: return std::holds_alternative<wire::DictionarySpecifier>(spec);
  }
  return false;
}

// Refuses a request naming an unknown Kind (all of them listed), a specifier of another
// data model than its Kind's, or array ranges that are reversed or overlap (7.4.2.1).
std::optional<StorageError> check_specifiers(std::span<const wire::StoredDataSpecifier> specifiers,
                                             const StorageConfig& config) {
  std::vector<wire::KindId> unknown;
  for (const auto& s : specifiers)
    if (!config.find_kind(s.kind)) unknown.push_back(s.kind);
  if (!unknown.empty()) return unknown_kinds_error(unknown);
  for (const auto& s : specifiers) {
    auto model = config.find_kind(s.kind)->data_model;
    if (!fits_model(s.model_specifier, model))
      return text_error(errc::invalid_message, "Kind " + std::to_string(s.kind) + ": the specifier is not a " +
                                                   std::string(config::data_model_name(model)) + " specifier");
    if (const auto* a = std::get_if<wire::ArraySpecifier>(&s.model_specifier); a && !wire::ranges_valid(a->indices))
      return text_error(errc::invalid_message, "Kind " + std::to_string(s.kind) +
                                                   ": array ranges are reversed or overlap");
  }
  return std::nullopt;
}

// Calls emit(value, slot) for each selected slot in order, value nullptr where nothing live
// is stored (the caller synthesizes a non-existent value). Stops when emit returns false.
template <class Emit>
bool select(const KindSet* set, wire::DataModel model, const wire::ModelSpecifier& spec, TimePoint now,
            Emit&& emit) {
  auto at = [&](const Slot& slot) { return set ? set->find(slot, now) : nullptr; };
  switch (model) {
    case wire::DataModel::single_value:
      return emit(at(Slot{}), Slot{});
    case wire::DataModel::array: {
      // 0xffffffff names the last element. Gaps inside the array come back as non-existent
      // values (section 7.2.2); nothing is made up past its end.
      std::uint64_t end = set ? set->array_end(now) : 0;
      if (end == 0) return true;
      for (const auto& range : std::get<wire::ArraySpecifier>(spec).indices) {
        std::uint64_t first = range.first == wire::array_last_index ? end - 1 : range.first;
        std::uint64_t last = range.last == wire::array_last_index ? end - 1 : std::min<std::uint64_t>(range.last, end - 1);
        for (std::uint64_t i = first; i <= last; ++i) {
          Slot slot{static_cast<std::uint32_t>(i), {}};
          if (!emit(at(slot), slot)) return false;
        }
      }
      return true;
    }
    case wire::DataModel::dictionary: {
      const auto& keys = std::get<wire::DictionarySpecifier>(spec).keys;
      if (keys.empty()) {  // a wildcard: every live entry, by key
        if (!set) return true;
        for (const auto& v : set->values())
          if (v.live(now) && !emit(&v, v.slot())) return false;
        return true;
      }
      for (const auto& key : keys) {
        Slot slot{0, key};
        if (!emit(at(slot), slot)) return false;
      }
      return true;
    }
  }
  return true;
}

enum class Answer { values, metadata };

// FetchAns and StatAns share their layout: kind_responses<0..2^32-1> of
// kind(4) | generation(8) | values<0..2^32-1>, values being StoredData or StoredMetaData.
// `find_set(kind)` gives the resource's KindSet of that Kind, or nullptr.
template <class FindSet>
Result<wire::Buffer> answer(Answer what, const StorageConfig& config,
                            std::span<const wire::StoredDataSpecifier> specifiers, TimePoint now,
                            std::size_t max_answer_size, FindSet&& find_set,
                            std::vector<crypto::Certificate>* storers = nullptr) {
  if (auto refused = check_specifiers(specifiers, config)) return std::move(*refused);
  wire::Buffer out;
  wire::Writer w(out);
  bool fits = true;
  {
    auto responses = w.length_prefix(4, "kind_responses");
    for (const auto& spec : specifiers) {
      const KindSet* set = find_set(spec.kind);
      const auto model = config.find_kind(spec.kind)->data_model;
      std::uint64_t generation = set ? set->generation() : 0;
      w.u32(spec.kind);
      w.u64(generation);
      auto values = w.length_prefix(4, "values");
      // The requester already has this generation: no values (section 7.4.2.1).
      if (spec.generation != 0 && spec.generation == generation) continue;
      fits = select(set, model, spec.model_specifier, now, [&](const StoredValue* v, const Slot& slot) {
        if (what == Answer::values) {
          if (v) {
            v->append_as_of(w, now);
            if (storers) add_storer(*storers, *v);
          } else {
            append_nonexistent(w, model, slot);
          }
        } else {
          if (v)
            append_metadata(w, *v, model, now);
          else
            append_nonexistent_metadata(w, model, slot);
        }
        return out.size() <= max_answer_size;
      });
      if (!fits) break;
    }
  }
  if (!fits || !w.ok() || out.size() > max_answer_size)
    return text_error(errc::response_too_large,
                      "the answer exceeds " + std::to_string(max_answer_size) + " bytes");
  return out;
}

}  // namespace

Result<wire::Buffer> DataStore::fetch(const wire::FetchReq& request, TimePoint now, std::size_t max_answer_size,
                                      std::vector<crypto::Certificate>* storers) const {
  return answer(Answer::values, config_, request.specifiers, now, max_answer_size,
                [&](wire::KindId kind) { return find_set(request.resource, kind); }, storers);
}

Result<wire::Buffer> DataStore::stat(const wire::StatReq& request, TimePoint now,
                                     std::size_t max_answer_size) const {
  return answer(Answer::metadata, config_, request.specifiers, now, max_answer_size,
                [&](wire::KindId kind) { return find_set(request.resource, kind); });
}

}  // namespace reload::storage
