// What a decoder must know that is not on the wire: the overlay's Node-ID length, the
// caller's limits, and the data model of each Kind (a StoredDataValue does not say whether
// it is a single value, an array entry or a dictionary entry; RFC 6940 section 7.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include <boost/describe/enum.hpp>

namespace reload::wire {

using KindId = std::uint32_t;

// RFC 6940 section 14.7 names SINGLE, ARRAY and DICTIONARY.
enum class DataModel : std::uint8_t { single_value = 1, array = 2, dictionary = 3 };
BOOST_DESCRIBE_ENUM(DataModel, single_value, array, dictionary)

// Well-known Kind-IDs (RFC 6940 section 14.6 and XEP-0415 section 11.1).
namespace kinds {
inline constexpr KindId sip_registration = 1;
inline constexpr KindId turn_service = 2;
inline constexpr KindId certificate_by_node = 3;
inline constexpr KindId xmpp_location = 5;  // asked for by XEP-0415; configurable
inline constexpr KindId certificate_by_user = 0x10;
}  // namespace kinds

// Kind-ID -> data model. The configuration document fills it; with_standard_kinds() knows
// the RFC's kinds and XMPP-LOCATION, which is what tools use without a configuration.
class DataModelTable {
 public:
  static DataModelTable with_standard_kinds();
  void set(KindId kind, DataModel model);
  std::optional<DataModel> find(KindId kind) const noexcept;

 private:
  std::vector<std::pair<KindId, DataModel>> entries_;  // few entries: a flat list is fastest
};

struct CodecContext {
  std::size_t node_id_length = 16;          // 16..20, from <node-id-length>
  std::size_t max_message_size = 5000;      // from <max-message-size>
  const DataModelTable* data_models = nullptr;  // nullptr: every kind's model is unknown

  std::optional<DataModel> model_of(KindId kind) const noexcept {
    return data_models ? data_models->find(kind) : std::nullopt;
  }
};

}  // namespace reload::wire
