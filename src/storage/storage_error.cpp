#include "storage/storage_error.hpp"

#include <algorithm>
#include <ostream>
#include <stdexcept>

#include "wire/error_response.hpp"

namespace reload::storage {

StorageError text_error(errc code, std::string reason) {
  StorageError e{code, {}, std::move(reason)};
  // error_info is <0..2^16-1>: a reason never comes near, but the bound is the wire's.
  auto text = wire::as_bytes(e.reason);
  e.error_info.assign(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(text.size(), 0xffff)));
  return e;
}

StorageError unknown_kinds_error(std::span<const wire::KindId> kinds) {
  constexpr std::size_t fit = 0xff / sizeof(wire::KindId);  // 63 kinds fill the 8-bit prefix
  auto listed = kinds.first(std::min(kinds.size(), fit));
  std::string reason = "unknown Kind-ID";
  for (wire::KindId k : listed) reason += ' ' + std::to_string(k);
  StorageError e{errc::unknown_kind, {}, std::move(reason)};
  if (auto info = wire::encode_unknown_kinds_info(listed)) e.error_info = std::move(*info);
  return e;
}

StorageError generation_error(const wire::StoreAns& current, std::string reason) {
  StorageError e{errc::generation_counter_too_low, {}, std::move(reason)};
  if (auto info = wire::encode_generation_counter_info(current)) e.error_info = std::move(*info);
  return e;
}

std::string to_string(const StorageError& e) {
  const char* name = errc_name(static_cast<std::uint16_t>(e.code));
  return std::string(name ? name : "Error_?") + ": " + e.reason;
}

std::ostream& operator<<(std::ostream& os, const StorageError& e) { return os << to_string(e); }

void throw_exception_from_error(const StorageError& e, const boost::source_location&) {
  throw std::runtime_error(to_string(e));
}

}  // namespace reload::storage
