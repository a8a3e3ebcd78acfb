// A bounds-checked cursor over bytes received from outside (DESIGN.md principle 5).
//
// Errors are sticky, like an istream's failbit: the first failure records what went wrong,
// at which absolute byte offset and in which field; every later read returns zero and
// consumes nothing. Decoders therefore read field after field and check ok() once, and a
// loop over a vector ends because more() turns false. Nothing here throws.
//
// A length-prefixed vector is read through sub(): the child cursor covers exactly the bytes
// the prefix announced and shares the parent's error state.
#pragma once

#include <cstddef>
#include <cstdint>

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
  explicit Reader(Bytes data, std::size_t base = 0) noexcept;
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  bool ok() const noexcept { return !status_->error.ec; }
  // True while no error occurred and bytes are left: the loop condition for vectors.
  bool more() const noexcept { return ok() && pos_ < end_; }
  std::size_t remaining() const noexcept { return ok() ? end_ - pos_ : 0; }
  std::size_t offset() const noexcept { return base_ + pos_; }  // absolute
  const DecodeError& error() const noexcept { return status_->error; }

  std::uint8_t u8(const char* field);
  std::uint16_t u16(const char* field);
  std::uint32_t u24(const char* field);
  std::uint32_t u32(const char* field);
  std::uint64_t u64(const char* field);
  bool boolean(const char* field);  // one byte, 0 or 1; anything else is invalid_value

  Bytes take(std::size_t n, const char* field);  // exactly n bytes
  // opaque x<0..2^(8*prefix)-1>: a prefix of 1, 2, 3 or 4 bytes, then that many bytes.
  // `max` is the caller's limit on the length.
  Bytes opaque(int prefix, const char* field, std::size_t max = SIZE_MAX);
  NodeId node_id(std::size_t size, const char* field);
  ResourceId resource_id(const char* field);

  // A child cursor over a length-prefixed vector (prefix bytes 1..4) or over n bytes.
  Reader sub(int prefix, const char* field, std::size_t max = SIZE_MAX);
  Reader sub_fixed(std::size_t n, const char* field);
  Bytes rest() noexcept;  // every byte left (none after an error)

  // Records an error at the current offset (only the first error is kept).
  void fail(codec_errc e, const char* field) noexcept;
  // The same, naming an earlier absolute offset (the start of a field already read).
  void fail_at(std::size_t offset, codec_errc e, const char* field) noexcept;
  // trailing_bytes unless every byte was consumed.
  void expect_end(const char* field) noexcept;

 private:
  struct Status {
    DecodeError error;
  };
  Reader(Bytes data, std::size_t base, Status* shared) noexcept;
  bool need(std::size_t n, const char* field) noexcept;

  const std::uint8_t* data_;
  std::size_t pos_ = 0;
  std::size_t end_;
  std::size_t base_;
  Status own_;
  Status* status_;
};

}  // namespace reload::wire
