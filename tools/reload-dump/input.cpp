#include "input.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <memory>

#include <boost/algorithm/hex.hpp>
#include <fmt/format.h>

namespace reload::dump {

namespace {
struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
}  // namespace

std::optional<wire::Buffer> read_input(const std::string& path, std::string& error) {
  std::unique_ptr<std::FILE, FileCloser> owned;
  std::FILE* f = stdin;
  if (path != "-") {
    owned.reset(std::fopen(path.c_str(), "rb"));
    if (!owned) {
      error = fmt::format("cannot open '{}': {}", path, std::strerror(errno));
      return std::nullopt;
    }
    f = owned.get();
  }
  wire::Buffer out;
  std::uint8_t chunk[65536];
  for (;;) {
    std::size_t n = std::fread(chunk, 1, sizeof chunk, f);
    out.insert(out.end(), chunk, chunk + n);
    if (n < sizeof chunk) break;
  }
  if (std::ferror(f)) {
    error = fmt::format("cannot read '{}': {}", path, std::strerror(errno));
    return std::nullopt;
  }
  return out;
}

std::optional<wire::Buffer> parse_hex(std::string_view text, std::string& error) {
  auto separator = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':' || c == '\f' || c == '\v';
  };
  auto hex_digit = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  };
  std::string digits;
  digits.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (separator(c)) continue;
    bool group_start = i == 0 || separator(text[i - 1]);
    if (group_start && c == '0' && i + 1 < text.size() && (text[i + 1] == 'x' || text[i + 1] == 'X')) {
      ++i;
      continue;
    }
    if (!hex_digit(c)) {
      error = fmt::format("not a hex digit at character {}: '{}'", i + 1,
                          static_cast<unsigned char>(c) >= 0x20 && c != 0x7f
                              ? std::string(1, c)
                              : fmt::format("\\x{:02x}", static_cast<unsigned char>(c)));
      return std::nullopt;
    }
    digits += c;
  }
  if (digits.size() % 2 != 0) {
    error = fmt::format("odd number of hex digits ({})", digits.size());
    return std::nullopt;
  }
  wire::Buffer out;
  out.reserve(digits.size() / 2);
  try {
    boost::algorithm::unhex(digits.begin(), digits.end(), std::back_inserter(out));
  } catch (const boost::algorithm::hex_decode_error&) {
    error = "not hex";  // cannot happen: every digit was checked above
    return std::nullopt;
  }
  return out;
}

}  // namespace reload::dump
