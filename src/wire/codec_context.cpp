#include "wire/codec_context.hpp"

#include <algorithm>

namespace reload::wire {

DataModelTable DataModelTable::with_standard_kinds() {
  DataModelTable t;
  t.set(kinds::sip_registration, DataModel::dictionary);
  t.set(kinds::turn_service, DataModel::single_value);
  t.set(kinds::certificate_by_node, DataModel::array);
  t.set(kinds::xmpp_location, DataModel::dictionary);
  t.set(kinds::certificate_by_user, DataModel::array);
  return t;
}

void DataModelTable::set(KindId kind, DataModel model) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [kind](const auto& e) { return e.first == kind; });
  if (it != entries_.end())
    it->second = model;
  else
    entries_.emplace_back(kind, model);
}

std::optional<DataModel> DataModelTable::find(KindId kind) const noexcept {
  for (const auto& [k, m] : entries_)
    if (k == kind) return m;
  return std::nullopt;
}

}  // namespace reload::wire
