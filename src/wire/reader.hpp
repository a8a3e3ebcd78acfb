// A bounds-checked cursor over bytes received from outside (DESIGN.md principle 5).
//
// Errors are sticky, like an istream's failbit: the first failure records what went wrong,
// at which absolute byte offset and in which field. Reads after it stay within bounds but
// their values mean nothing, so decoders read field after field and check ok() once, and a
// loop over a vector ends because more() turns false. Nothing here throws.
//
// A length-prefixed vector is read through sub(): the child cursor covers exactly the bytes
// the prefix announced and shares the parent's error state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include <boost/endian/conversion.hpp>
#include <boost/system/error_code.hpp>
#include <reload/errors.hpp>

#include "wire/bytes.hpp"
#include "wire/node_id.hpp"

namespace reload::wire {

// Where and why decoding stopped.
struct DecodeError {
  boost::system::error_code ec;
  std::size_t offset = 0;      // absolute byte offset in the outermost input
  const char* field = "";      // the field being read, e.g. "StoredData.length"
  std::string message() const;  // "truncated at byte 57 (StoredData.storage_time)"
};

class Reader {
 public:
  // `base` is the absolute offset of data[0], so errors name offsets in the whole input.
  explicit Reader(Bytes data, std::size_t base = 0) noexcept
      : data_(data.data()), end_(data.size()), base_(base), status_(&own_.emplace()) {}
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  bool ok() const noexcept { return !status_->failed; }
  // True while no error occurred and bytes are left: the loop condition for vectors.
  bool more() const noexcept { return ok() && pos_ < end_; }
  std::size_t remaining() const noexcept { return ok() ? end_ - pos_ : 0; }
  std::size_t offset() const noexcept { return base_ + pos_; }  // absolute
  const DecodeError& error() const noexcept { return status_->error; }

  // The primitives are inline: every decoder spends its time here.
  std::uint8_t u8(const char* field) { return need(1, field) ? data_[pos_++] : 0; }
  std::uint16_t u16(const char* field) { return load<std::uint16_t>(2, field, boost::endian::load_big_u16); }
  std::uint32_t u24(const char* field) { return load<std::uint32_t>(3, field, boost::endian::load_big_u24); }
  std::uint32_t u32(const char* field) { return load<std::uint32_t>(4, field, boost::endian::load_big_u32); }
  std::uint64_t u64(const char* field) { return load<std::uint64_t>(8, field, boost::endian::load_big_u64); }
  bool boolean(const char* field) {  // one byte, 0 or 1; anything else is invalid_value
    std::uint8_t v = u8(field);
    if (v > 1) fail_at(offset() - 1, codec_errc::invalid_value, field);
    return v == 1;
  }

  Bytes take(std::size_t n, const char* field) {  // exactly n bytes
    if (!need(n, field)) return {};
    Bytes b(data_ + pos_, n);
    pos_ += n;
    return b;
  }
  // opaque x<0..2^(8*prefix)-1>: a prefix of 1, 2, 3 or 4 bytes, then that many bytes.
  // `max` is the caller's limit on the length.
  // Errors name the offset of the length prefix: that is the field that lies.
  Bytes opaque(int prefix, const char* field, std::size_t max = SIZE_MAX) {
    std::size_t at = offset();
    std::uint64_t n = be(prefix, field);
    if (!ok()) return {};
    if (n > max || n > end_ - pos_) {
      fail_at(at, n > max ? codec_errc::length_exceeds_limit : codec_errc::truncated, field);
      return {};
    }
    Bytes b(data_ + pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return b;
  }
  NodeId node_id(std::size_t size, const char* field);
  ResourceId resource_id(const char* field);

  // A child cursor over a length-prefixed vector (prefix bytes 1..4) or over n bytes.
  Reader sub(int prefix, const char* field, std::size_t max = SIZE_MAX) {
    Bytes b = opaque(prefix, field, max);
    return Reader(b, base_ + pos_ - b.size(), status_);
  }
  Reader sub_fixed(std::size_t n, const char* field) {
    std::size_t child_base = offset();
    return Reader(take(n, field), child_base, status_);
  }
  Bytes rest() noexcept {  // every byte left (none after an error)
    if (!ok()) return {};
    Bytes b(data_ + pos_, end_ - pos_);
    pos_ = end_;
    return b;
  }

  // How many items that each start with their own `prefix`-byte length fill the rest of
  // this cursor, without consuming anything: a capacity hint for vectors of such items
  // (StoredData), so that decoding does not move them around while the vector grows.
  std::size_t count_length_prefixed(int prefix) const noexcept {
    std::size_t n = 0, at = pos_;
    while (ok() && end_ - at >= static_cast<std::size_t>(prefix)) {
      std::uint64_t len = 0;
      for (int i = 0; i < prefix; ++i) len = (len << 8) | data_[at + static_cast<std::size_t>(i)];
      at += static_cast<std::size_t>(prefix);
      if (len > end_ - at) break;
      at += static_cast<std::size_t>(len);
      ++n;
    }
    return n;
  }

  // Records an error at the current offset (only the first error is kept).
  void fail(codec_errc e, const char* field) noexcept;
  // The same, naming an earlier absolute offset (the start of a field already read).
  void fail_at(std::size_t offset, codec_errc e, const char* field) noexcept;
  // trailing_bytes unless every byte was consumed.
  void expect_end(const char* field) noexcept {
    if (ok() && pos_ != end_) fail(codec_errc::trailing_bytes, field);
  }

 private:
  struct Status {
    // Spelled out: clang 14 cannot default-construct a nested class with member
    // initialisers while the enclosing class is incomplete (own_.emplace() below).
    Status() noexcept {}
    bool failed = false;  // the hot check: cheaper than testing the error_code
    DecodeError error;
  };
  Reader(Bytes data, std::size_t base, Status* shared) noexcept
      : data_(data.data()), end_(data.size()), base_(base), status_(shared) {}
  // Only the bounds are checked here, not the sticky flag: after an error the primitives go
  // on returning bytes from within bounds (never past them), the loops stop on more(), and
  // the caller looks at ok() once. This check runs for every field, so it is kept minimal.
  bool need(std::size_t n, const char* field) noexcept {
    if (end_ - pos_ >= n) [[likely]]
      return true;
    fail(codec_errc::truncated, field);
    return false;
  }
  template <class T, class Load>
  T load(std::size_t n, const char* field, Load f) noexcept {
    if (!need(n, field)) return 0;
    auto v = f(data_ + pos_);
    pos_ += n;
    return v;
  }
  // A length prefix of 1 to 4 bytes.
  std::uint64_t be(int n, const char* field) noexcept {
    switch (n) {
      case 1: return u8(field);
      case 2: return u16(field);
      case 3: return u24(field);
      default: return u32(field);
    }
  }

  const std::uint8_t* data_;
  std::size_t pos_ = 0;
  std::size_t end_;
  std::size_t base_;
  std::optional<Status> own_;  // engaged in the outermost cursor only: children share it
  Status* status_;
};

}  // namespace reload::wire
