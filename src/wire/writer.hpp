// Appends RELOAD encodings to a Buffer.
//
// The only way encoding fails is a value too long for its length prefix (a vector over
// 2^16-1 bytes, say); the error is sticky as in Reader and names the field. A length-prefixed
// vector is written inside a LengthScope: the scope reserves the prefix and patches it with
// the byte count when it closes, so lengths are always byte counts (PITFALLS.md item 1).
#pragma once

#include <cstddef>
#include <cstdint>

#include <boost/system/error_code.hpp>
#include <reload/errors.hpp>

#include "wire/bytes.hpp"
#include "wire/node_id.hpp"

namespace reload::wire {

class Writer {
 public:
  explicit Writer(Buffer& out) noexcept : out_(out) {}
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  bool ok() const noexcept { return !ec_; }
  const boost::system::error_code& error() const noexcept { return ec_; }
  const char* failed_field() const noexcept { return failed_field_; }
  std::size_t size() const noexcept { return out_.size(); }

  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v);
  void u24(std::uint32_t v);
  void u32(std::uint32_t v);
  void u64(std::uint64_t v);
  void boolean(bool v) { u8(v ? 1 : 0); }
  void raw(Bytes b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void opaque(int prefix, Bytes b, const char* field);
  void node_id(const NodeId& id) { raw(id.bytes()); }
  void resource_id(const ResourceId& id) { opaque(1, id.bytes(), "ResourceId"); }

  // Overwrites `prefix` bytes at `at` with `value` (big-endian).
  void patch(std::size_t at, int prefix, std::uint64_t value) noexcept;
  void fail(codec_errc e, const char* field) noexcept;

  // Reserves a length prefix of 1..4 bytes; on destruction writes the number of bytes
  // appended since, or fails with value_too_long if that does not fit.
  class LengthScope {
   public:
    LengthScope(Writer& w, int prefix, const char* field);
    ~LengthScope();
    LengthScope(const LengthScope&) = delete;
    LengthScope& operator=(const LengthScope&) = delete;

   private:
    Writer& w_;
    int prefix_;
    std::size_t at_;
    const char* field_;
  };
  LengthScope length_prefix(int prefix, const char* field) { return {*this, prefix, field}; }

 private:
  Buffer& out_;
  boost::system::error_code ec_;
  const char* failed_field_ = "";
};

// Largest length a prefix of `prefix` bytes can carry.
constexpr std::uint64_t max_for_prefix(int prefix) noexcept {
  return prefix >= 4 ? 0xffffffffull : (1ull << (8 * prefix)) - 1;
}

}  // namespace reload::wire
