#include "wire/reader.hpp"

#include <fmt/format.h>

namespace reload::wire {

std::string DecodeError::message() const {
  if (!ec) return "no error";
  if (field && *field) return fmt::format("{} at byte {} ({})", ec.message(), offset, field);
  return fmt::format("{} at byte {}", ec.message(), offset);
}

Reader::Reader(Bytes data, std::size_t base) noexcept
    : data_(data.data()), end_(data.size()), base_(base), status_(&own_) {}

Reader::Reader(Bytes data, std::size_t base, Status* shared) noexcept
    : data_(data.data()), end_(data.size()), base_(base), status_(shared) {}

void Reader::fail(codec_errc e, const char* field) noexcept {
  if (!ok()) return;
  status_->error = DecodeError{make_error_code(e), offset(), field};
}

void Reader::fail_at(std::size_t offset, codec_errc e, const char* field) noexcept {
  if (!ok()) return;
  status_->error = DecodeError{make_error_code(e), offset, field};
}

bool Reader::need(std::size_t n, const char* field) noexcept {
  if (!ok()) return false;
  if (end_ - pos_ < n) {
    fail(codec_errc::truncated, field);
    return false;
  }
  return true;
}

std::uint8_t Reader::u8(const char* field) {
  if (!need(1, field)) return 0;
  return data_[pos_++];
}

std::uint16_t Reader::u16(const char* field) {
  if (!need(2, field)) return 0;
  auto v = static_cast<std::uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
  pos_ += 2;
  return v;
}

std::uint32_t Reader::u24(const char* field) {
  if (!need(3, field)) return 0;
  std::uint32_t v = (std::uint32_t{data_[pos_]} << 16) | (std::uint32_t{data_[pos_ + 1]} << 8) |
                    data_[pos_ + 2];
  pos_ += 3;
  return v;
}

std::uint32_t Reader::u32(const char* field) {
  if (!need(4, field)) return 0;
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | data_[pos_ + i];
  pos_ += 4;
  return v;
}

std::uint64_t Reader::u64(const char* field) {
  if (!need(8, field)) return 0;
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | data_[pos_ + i];
  pos_ += 8;
  return v;
}

bool Reader::boolean(const char* field) {
  auto at = pos_;
  std::uint8_t v = u8(field);
  if (v > 1) {
    pos_ = at;
    fail(codec_errc::invalid_value, field);
    return false;
  }
  return v == 1;
}

Bytes Reader::take(std::size_t n, const char* field) {
  if (!need(n, field)) return {};
  Bytes b(data_ + pos_, n);
  pos_ += n;
  return b;
}

static std::uint64_t read_prefix(Reader& r, int prefix, const char* field) {
  switch (prefix) {
    case 1: return r.u8(field);
    case 2: return r.u16(field);
    case 3: return r.u24(field);
    default: return r.u32(field);
  }
}

Bytes Reader::opaque(int prefix, const char* field, std::size_t max) {
  // Errors name the offset of the length prefix: that is the field that lies.
  std::size_t at = offset();
  std::uint64_t n = read_prefix(*this, prefix, field);
  if (!ok()) return {};
  if (n > max) {
    fail_at(at, codec_errc::length_exceeds_limit, field);
    return {};
  }
  if (n > end_ - pos_) {
    fail_at(at, codec_errc::truncated, field);
    return {};
  }
  return take(static_cast<std::size_t>(n), field);
}

NodeId Reader::node_id(std::size_t size, const char* field) {
  Bytes b = take(size, field);
  if (!ok()) return {};
  return NodeId(b);
}

ResourceId Reader::resource_id(const char* field) {
  Bytes b = opaque(1, field);
  if (!ok()) return {};
  return ResourceId(b);
}

Reader Reader::sub(int prefix, const char* field, std::size_t max) {
  std::size_t start_base = base_;
  Bytes b = opaque(prefix, field, max);
  std::size_t child_base = start_base + pos_ - b.size();
  return Reader(b, child_base, status_);
}

Reader Reader::sub_fixed(std::size_t n, const char* field) {
  std::size_t child_base = offset();
  Bytes b = take(n, field);
  return Reader(b, child_base, status_);
}

Bytes Reader::rest() noexcept {
  if (!ok()) return {};
  Bytes b(data_ + pos_, end_ - pos_);
  pos_ = end_;
  return b;
}

void Reader::expect_end(const char* field) noexcept {
  if (ok() && pos_ != end_) fail(codec_errc::trailing_bytes, field);
}

}  // namespace reload::wire
