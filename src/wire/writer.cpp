#include "wire/writer.hpp"

#include <boost/endian/conversion.hpp>

namespace reload::wire {

void Writer::u16(std::uint16_t v) {
  out_.resize(out_.size() + 2);
  boost::endian::store_big_u16(out_.data() + out_.size() - 2, v);
}

void Writer::u24(std::uint32_t v) {
  out_.resize(out_.size() + 3);
  boost::endian::store_big_u24(out_.data() + out_.size() - 3, v);
}

void Writer::u32(std::uint32_t v) {
  out_.resize(out_.size() + 4);
  boost::endian::store_big_u32(out_.data() + out_.size() - 4, v);
}

void Writer::u64(std::uint64_t v) {
  out_.resize(out_.size() + 8);
  boost::endian::store_big_u64(out_.data() + out_.size() - 8, v);
}

void Writer::opaque(int prefix, Bytes b, const char* field) {
  if (b.size() > max_for_prefix(prefix)) {
    fail(codec_errc::value_too_long, field);
    return;
  }
  auto scope = length_prefix(prefix, field);
  raw(b);
}

void Writer::patch(std::size_t at, int prefix, std::uint64_t value) noexcept {
  for (int i = prefix - 1; i >= 0; --i) {
    out_[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value);
    value >>= 8;
  }
}

void Writer::fail(codec_errc e, const char* field) noexcept {
  if (ec_) return;
  ec_ = make_error_code(e);
  failed_field_ = field;
}

Writer::LengthScope::LengthScope(Writer& w, int prefix, const char* field)
    : w_(w), prefix_(prefix), at_(w.out_.size()), field_(field) {
  w_.out_.resize(w_.out_.size() + static_cast<std::size_t>(prefix));
}

Writer::LengthScope::~LengthScope() {
  std::size_t n = w_.out_.size() - at_ - static_cast<std::size_t>(prefix_);
  if (n > max_for_prefix(prefix_)) {
    w_.fail(codec_errc::value_too_long, field_);
    return;
  }
  w_.patch(at_, prefix_, n);
}

}  // namespace reload::wire
