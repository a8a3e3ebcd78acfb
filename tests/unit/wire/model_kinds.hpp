// One Kind of each data model, for the Store/Fetch/Stat tests: a StoredDataValue's model
// comes from its Kind, so the codec needs this table to read them.
#pragma once

#include "wire/codec_context.hpp"

namespace reload::wire::test {

inline constexpr KindId single_kind = 101, array_kind = 102, dictionary_kind = 103, unknown_kind = 999;

inline const DataModelTable& model_table() {
  static const DataModelTable t = [] {
    DataModelTable d;
    d.set(single_kind, DataModel::single_value);
    d.set(array_kind, DataModel::array);
    d.set(dictionary_kind, DataModel::dictionary);
    return d;
  }();
  return t;
}

inline const CodecContext model_context{16, 5000, &model_table()};

}  // namespace reload::wire::test
