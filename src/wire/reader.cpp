#include "wire/reader.hpp"

#include <fmt/format.h>

namespace reload::wire {

std::string DecodeError::message() const {
  if (!ec) return "no error";
  if (field && *field) return fmt::format("{} at byte {} ({})", ec.message(), offset, field);
  return fmt::format("{} at byte {}", ec.message(), offset);
}

void Reader::fail(codec_errc e, const char* field) noexcept {
  if (!ok()) return;
  status_->failed = true;
  status_->error = DecodeError{make_error_code(e), offset(), field};
}

void Reader::fail_at(std::size_t offset, codec_errc e, const char* field) noexcept {
  if (!ok()) return;
  status_->failed = true;
  status_->error = DecodeError{make_error_code(e), offset, field};
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

}  // namespace reload::wire
