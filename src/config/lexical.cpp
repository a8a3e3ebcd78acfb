#include "config/lexical.hpp"

#include <charconv>
#include <cstdio>
#include <limits>
#include <ostream>
#include <stdexcept>

#include <openssl/evp.h>

#include "wire/saturating_time.hpp"

namespace reload::config {

std::ostream& operator<<(std::ostream& os, const ValueError& e) { return os << e.reason; }

void throw_exception_from_error(const ValueError& e, const boost::source_location&) {
  throw std::invalid_argument(e.reason);
}

bool is_xml_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_xml_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_xml_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_blank(std::string_view s) noexcept { return trim(s).empty(); }

namespace {

// Shows a value in a message without letting a megabyte of it through.
std::string quoted(std::string_view s) {
  constexpr std::size_t max = 40;
  if (s.size() > max) return '\'' + std::string(s.substr(0, max)) + "...'";
  return '\'' + std::string(s) + '\'';
}

bool all_digits(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// Exactly `n` digits at `s[pos]`; advances pos.
bool read_digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  pos += n;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

Parsed<std::uint64_t> parse_unsigned(std::string_view text, std::uint64_t min,
                                     std::uint64_t max) {
  auto t = trim(text);
  if (t.empty()) return std::string("empty where a number is expected");
  if (t.front() == '-' && all_digits(t.substr(1)))
    return quoted(t) + " is negative; expected " + std::to_string(min) + ".." + std::to_string(max);
  if (t.front() == '+') t.remove_prefix(1);
  if (!all_digits(t)) return quoted(trim(text)) + " is not a number";
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec == std::errc::result_out_of_range || (ec == std::errc{} && (v < min || v > max)))
    return quoted(trim(text)) + " is out of range " + std::to_string(min) + ".." +
           std::to_string(max);
  if (ec != std::errc{} || ptr != t.data() + t.size())
    return quoted(trim(text)) + " is not a number";
  return v;
}

Parsed<bool> parse_boolean(std::string_view text) {
  auto t = trim(text);
  if (t == "true" || t == "1") return true;
  if (t == "false" || t == "0") return false;
  return quoted(t) + " is not a boolean (true, false, 1 or 0)";
}

Parsed<std::chrono::system_clock::time_point> parse_date_time(std::string_view text) {
  using namespace std::chrono;
  auto s = trim(text);
  std::string bad = quoted(s) + " is not an RFC 3339 date-time (e.g. 2030-01-31T12:00:00Z)";
  std::size_t pos = 0;
  int Y, M, D, h, m, sec;
  if (!read_digits(s, pos, 4, Y) || !expect(s, pos, '-') || !read_digits(s, pos, 2, M) ||
      !expect(s, pos, '-') || !read_digits(s, pos, 2, D))
    return bad;
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't')) return bad;
  ++pos;
  if (!read_digits(s, pos, 2, h) || !expect(s, pos, ':') || !read_digits(s, pos, 2, m) ||
      !expect(s, pos, ':') || !read_digits(s, pos, 2, sec))
    return bad;
  nanoseconds frac{0};
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    std::int64_t scale = 100'000'000, ns = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      ns += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return bad;
    frac = nanoseconds(ns);
  }
  minutes offset{0};
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos] == '-' ? -1 : 1, oh, om;
    ++pos;
    if (!read_digits(s, pos, 2, oh) || !expect(s, pos, ':') || !read_digits(s, pos, 2, om) ||
        oh > 23 || om > 59)
      return bad;
    offset = minutes(sign * (oh * 60 + om));
  } else {
    return quoted(s) + " has no time zone; write it in UTC with a trailing Z";
  }
  if (pos != s.size()) return bad;
  year_month_day ymd{year{Y}, month{static_cast<unsigned>(M)}, day{static_cast<unsigned>(D)}};
  // Second 60 is a leap second (RFC 3339 allows it); system_clock has none, so it is :59.
  if (!ymd.ok() || h > 23 || m > 59 || sec > 60) return quoted(s) + " is not a valid date and time";
  if (sec == 60) sec = 59;
  sys_seconds t = sys_days(ymd) + hours(h) + minutes(m) + seconds(sec) - offset;
  auto whole = wire::saturating_time_point(t);
  if (whole == system_clock::time_point::max() || whole == system_clock::time_point::min()) return whole;
  return whole + frac;
}

std::string format_date_time(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto secs = floor<seconds>(t);
  auto days = floor<std::chrono::days>(secs);
  year_month_day ymd(days);
  hh_mm_ss hms(secs - days);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

Parsed<wire::Buffer> decode_base64(std::string_view text) {
  std::string compact;
  compact.reserve(text.size());
  for (char c : text)
    if (!is_xml_space(c)) compact.push_back(c);
  if (compact.empty()) return std::string("empty where base64 is expected");
  if (compact.size() % 4 != 0 || compact.size() > static_cast<std::size_t>(INT32_MAX / 2))
    return std::string("not base64 (length is not a multiple of 4)");
  // EVP_DecodeBlock accepts stray characters it treats as whitespace and '=' anywhere near
  // the end; insist on the plain alphabet and on padding only at the end.
  std::size_t pad = 0;
  for (std::size_t i = 0; i < compact.size(); ++i) {
    char c = compact[i];
    bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '+' || c == '/';
    if (c == '=') {
      ++pad;
    } else if (!alpha || pad > 0) {
      return std::string("not base64 (character ") + quoted(std::string_view(&c, 1)) +
             " at position " + std::to_string(i) + ')';
    }
  }
  if (pad > 2) return std::string("not base64 (too much padding)");
  wire::Buffer out(compact.size() / 4 * 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(compact.data()),
                          static_cast<int>(compact.size()));
  if (n < 0 || static_cast<std::size_t>(n) < pad) return std::string("not base64");
  out.resize(static_cast<std::size_t>(n) - pad);  // EVP_DecodeBlock counts padding as zeros
  return out;
}

std::string encode_base64(wire::Bytes data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data.data(),
                          static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

Parsed<wire::NodeId> parse_node_id(std::string_view text, std::size_t length) {
  auto t = trim(text);
  if (length < wire::NodeId::min_size || length > wire::NodeId::max_size)
    return "node-id-length " + std::to_string(length) + " is not 16..20";
  wire::Buffer bytes;
  if (!wire::from_hex(t, bytes)) return quoted(t) + " is not a hex Node-ID";
  if (bytes.size() != length)
    return quoted(t) + " is " + std::to_string(bytes.size()) + " bytes; Node-IDs of this overlay are " +
           std::to_string(length) + " bytes (node-id-length)";
  return wire::NodeId(wire::Bytes(bytes));
}

std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace reload::config
