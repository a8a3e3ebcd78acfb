#include "storage/stored_value.hpp"

#include <algorithm>
#include <limits>

#include <boost/endian/conversion.hpp>

#include "wire/hashes.hpp"
#include "wire/security_block.hpp"

namespace reload::storage {

namespace {

// Offsets in an encoded StoredData.
constexpr std::size_t storage_time_at = 4;
constexpr std::size_t lifetime_at = 12;
constexpr std::size_t value_at = 16;  // the StoredDataValue

std::uint32_t u32_at(const wire::Buffer& b, std::size_t at) noexcept {
  return boost::endian::load_big_u32(b.data() + at);
}

wire::DataModel as_model(std::uint8_t m) noexcept { return static_cast<wire::DataModel>(m); }

}  // namespace

bool operator<(const Slot& a, const Slot& b) noexcept {
  if (a.index != b.index) return a.index < b.index;
  return std::lexicographical_compare(a.key.begin(), a.key.end(), b.key.begin(), b.key.end());
}

bool operator==(const Slot& a, const Slot& b) noexcept {
  return a.index == b.index && wire::equal_bytes(a.key, b.key);
}

TimePoint expiry_after(TimePoint now, std::uint32_t lifetime_seconds) noexcept {
  auto d = std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(lifetime_seconds));
  if (TimePoint::max() - now < d) return TimePoint::max();
  return now + d;
}

StoredValue::StoredValue(wire::Buffer encoded, wire::DataModel model, TimePoint expiry,
                         crypto::Certificate storer)
    : encoded_(std::move(encoded)), expiry_(expiry), storer_(std::move(storer)),
      model_(static_cast<std::uint8_t>(model)) {
  switch (model) {
    case wire::DataModel::single_value: data_value_at_ = value_at; break;
    case wire::DataModel::array: data_value_at_ = value_at + 4; break;
    case wire::DataModel::dictionary:
      data_value_at_ = static_cast<std::uint32_t>(value_at + 2 +
                                                  boost::endian::load_big_u16(encoded_.data() + value_at));
      break;
  }
}

std::uint64_t StoredValue::storage_time() const noexcept {
  return boost::endian::load_big_u64(encoded_.data() + storage_time_at);
}

std::uint32_t StoredValue::stored_lifetime() const noexcept { return u32_at(encoded_, lifetime_at); }

std::uint32_t StoredValue::remaining_lifetime(TimePoint now) const noexcept {
  if (!live(now)) return 0;
  auto left = expiry_ - now;
  auto seconds = std::chrono::ceil<std::chrono::seconds>(left).count();
  return static_cast<std::uint32_t>(std::min<std::int64_t>(seconds, std::numeric_limits<std::uint32_t>::max()));
}

bool StoredValue::exists() const noexcept { return encoded_[data_value_at_] != 0; }

wire::Bytes StoredValue::value_with_length() const noexcept {
  std::uint32_t n = u32_at(encoded_, data_value_at_ + 1);
  return wire::Bytes(encoded_.data() + data_value_at_ + 1, 4 + std::size_t{n});
}

wire::Bytes StoredValue::value() const noexcept { return value_with_length().subspan(4); }

Slot StoredValue::slot() const noexcept {
  switch (as_model(model_)) {
    case wire::DataModel::single_value: return {};
    case wire::DataModel::array: return {u32_at(encoded_, value_at), {}};
    case wire::DataModel::dictionary:
      return {0, wire::Bytes(encoded_.data() + value_at + 2, data_value_at_ - value_at - 2)};
  }
  return {};
}

void StoredValue::set_index(std::uint32_t index) noexcept {
  if (as_model(model_) == wire::DataModel::array) boost::endian::store_big_u32(encoded_.data() + value_at, index);
}

void StoredValue::append_as_of(wire::Writer& w, TimePoint now) const {
  std::size_t at = w.size();
  w.raw(encoded_);
  w.patch(at + lifetime_at, 4, remaining_lifetime(now));
}

namespace {

void append_slot(wire::Writer& w, wire::DataModel model, const Slot& slot) {
  if (model == wire::DataModel::array) w.u32(slot.index);
  if (model == wire::DataModel::dictionary) w.opaque(2, slot.key, "DictionaryKey");
}

}  // namespace

void append_nonexistent(wire::Writer& w, wire::DataModel model, const Slot& slot) {
  auto len = w.length_prefix(4, "StoredData.length");
  w.u64(0);  // storage_time
  w.u32(0);  // lifetime
  append_slot(w, model, slot);
  w.boolean(false);
  w.u32(0);  // an empty value
  encode(w, wire::Signature{});  // {0,0}, identity none, no signature value
}

void append_metadata(wire::Writer& w, const StoredValue& v, wire::DataModel model, TimePoint now) {
  auto len = w.length_prefix(4, "StoredMetaData.length");
  w.u64(v.storage_time());
  w.u32(v.remaining_lifetime(now));
  append_slot(w, model, v.slot());
  w.boolean(v.exists());
  w.u32(static_cast<std::uint32_t>(v.value().size()));
  const auto digest = wire::sha256(v.value_with_length());
  w.u8(static_cast<std::uint8_t>(wire::HashAlgorithm::sha256));
  w.opaque(1, wire::Bytes(digest.data(), digest.size()), "MetaData.hash_value");
}

void append_nonexistent_metadata(wire::Writer& w, wire::DataModel model, const Slot& slot) {
  auto len = w.length_prefix(4, "StoredMetaData.length");
  w.u64(0);
  w.u32(0);
  append_slot(w, model, slot);
  w.boolean(false);
  w.u32(0);
  w.u8(static_cast<std::uint8_t>(wire::HashAlgorithm::none));
  w.u8(0);  // hash_value<0..255>: empty
}

bool add_storer(std::vector<crypto::Certificate>& certificates, const StoredValue& v) {
  if (std::find(certificates.begin(), certificates.end(), v.storer()) != certificates.end()) return false;
  certificates.push_back(v.storer());
  return true;
}

}  // namespace reload::storage
