#include "wire/print.hpp"

#include <algorithm>
#include <array>
#include <ctime>

#include <fmt/format.h>
#include <reload/errors.hpp>

#include "wire/forwarding_header.hpp"
#include "wire/ip_address_port.hpp"
#include "wire/message_contents.hpp"

namespace reload::wire {

namespace print_detail {

std::string element_name(std::size_t i) { return fmt::format("[{}]", i); }

std::string labelled(const char* name, const std::string& type) {
  return fmt::format("{} ({})", name, type);
}

}  // namespace print_detail

namespace {

bool printable(std::uint8_t c) noexcept { return c >= 0x20 && c < 0x7f; }

bool all_printable(Bytes b) noexcept { return std::all_of(b.begin(), b.end(), printable); }

// Quoted, with \" \\ and \xNN escapes, so that a line never breaks and nothing is hidden.
std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    auto c = static_cast<std::uint8_t>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (printable(c)) {
      out += ch;
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  out += '"';
  return out;
}

std::string bytes_count(std::size_t n) { return n == 1 ? "<1 byte>" : fmt::format("<{} bytes>", n); }

// An IPv4 or IPv6 address in its usual notation.
std::string ip_text(Bytes b) {
  IpAddressPort a;
  if (b.size() == 4) {
    Ipv4AddrPort v4;
    std::copy(b.begin(), b.end(), v4.addr.begin());
    a = v4;
  } else {
    Ipv6AddrPort v6;
    std::copy(b.begin(), b.end(), v6.addr.begin());
    a = v6;
  }
  return address_to_string(a);
}

// Milliseconds since 1970 as UTC, "2023-11-14T22:13:20.123Z".
std::string utc_milliseconds(std::uint64_t ms) {
  auto seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  if (ms / 1000 > 253402300799u || !gmtime_r(&seconds, &tm)) return "out of range";
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

// Field names whose integers read better in hex as well.
constexpr std::array<std::string_view, 4> hex_fields = {"overlay", "transaction_id", "received",
                                                        "flags"};

}  // namespace

void TreeWriter::indent() { out_.append(2 * depth_, ' '); }

void TreeWriter::line(std::string_view text) {
  indent();
  out_ += text;
  out_ += '\n';
}

void TreeWriter::field(std::string_view name, std::string_view value) {
  indent();
  out_ += name;
  out_ += ": ";
  out_ += value;
  out_ += '\n';
}

void TreeWriter::open(std::string_view name, std::string_view type) {
  indent();
  out_ += name;
  if (!type.empty()) {
    out_ += " (";
    out_ += type;
    out_ += ')';
  }
  out_ += '\n';
  ++depth_;
}

void TreeWriter::close() noexcept {
  if (depth_ > 0) --depth_;
}

void TreeWriter::boolean(std::string_view name, bool v) { field(name, v ? "true" : "false"); }

void TreeWriter::integer(std::string_view name, std::uint64_t v, std::size_t size) {
  if (name == "fragment") {
    std::string s = fmt::format("0x{:08x} ({}, offset {}", v,
                                (v & fragment_last) ? "last fragment" : "not the last fragment",
                                v & fragment_offset_mask);
    if (!(v & fragment_must_be_set)) s += ", top bit clear";
    if (v & fragment_reserved) s += fmt::format(", reserved bits 0x{:08x}", v & fragment_reserved);
    if (v > 0xffffffffu) s += ", out of range";
    field(name, s + ")");
  } else if (name == "message_code" && v <= 0xffff) {
    const char* n = message_code_name(static_cast<std::uint16_t>(v));
    field(name, fmt::format("{} (0x{:04x})", n ? n : "unknown", v));
  } else if (name == "error_code" && v <= 0xffff) {
    const char* n = errc_name(static_cast<std::uint16_t>(v));
    field(name, fmt::format("{} ({})", n ? n : "unknown", v));
  } else if ((name == "storage_time" || name == "time") && v > 0) {
    field(name, fmt::format("{} ({})", v, utc_milliseconds(v)));
  } else if (std::find(hex_fields.begin(), hex_fields.end(), name) != hex_fields.end()) {
    field(name, fmt::format("{} (0x{:0{}x})", v, v, 2 * std::clamp<std::size_t>(size, 1, 8)));
  } else {
    field(name, fmt::format("{}", v));
  }
}

void TreeWriter::signed_integer(std::string_view name, std::int64_t v) {
  field(name, fmt::format("{}", v));
}

void TreeWriter::enumeration(std::string_view name, const char* enumerator, std::int64_t value) {
  field(name, fmt::format("{} ({})", enumerator ? enumerator : "unknown", value));
}

void TreeWriter::text(std::string_view name, std::string_view s) { field(name, quoted(s)); }

void TreeWriter::bytes(std::string_view name, Bytes b) {
  const std::size_t per_line = std::max<std::size_t>(options_.bytes_per_line, 1);
  const bool text = !b.empty() && all_printable(b);
  if (b.empty()) {
    field(name, bytes_count(0));
    return;
  }
  if (b.size() <= per_line) {
    std::string v = bytes_count(b.size()) + " " + to_hex(b);
    if (name == "addr" && (b.size() == 4 || b.size() == 16)) v += " (" + ip_text(b) + ")";
    else if (text) v += " " + quoted(as_string_view(b));
    field(name, v);
    return;
  }
  // Long: the count on the field's line, then offset-labelled rows, as hexdump does.
  field(name, bytes_count(b.size()));
  std::size_t shown = b.size();
  if (options_.max_bytes != 0 && options_.max_bytes < shown) shown = options_.max_bytes;
  ++depth_;
  for (std::size_t at = 0; at < shown; at += per_line) {
    Bytes row = b.subspan(at, std::min(per_line, shown - at));
    std::string s = fmt::format("{:04x}: {}", at, to_hex(row));
    if (text) s += fmt::format("{:{}}{}", "", 2 * (per_line - row.size()) + 1,
                               quoted(as_string_view(row)));
    line(s);
  }
  if (shown < b.size()) line(fmt::format("... {} more bytes", b.size() - shown));
  --depth_;
}

void TreeWriter::node_id(std::string_view name, const NodeId& id) {
  if (id.empty()) field(name, "(none)");
  else if (id.is_wildcard()) field(name, id.hex() + " (wildcard)");
  else field(name, id.hex());
}

void TreeWriter::resource_id(std::string_view name, const ResourceId& id) {
  if (id.empty()) field(name, bytes_count(0));
  else field(name, fmt::format("{} ({})", id.hex(), bytes_count(id.size())));
}

}  // namespace reload::wire
