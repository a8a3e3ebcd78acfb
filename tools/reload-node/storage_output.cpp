#include "storage_output.hpp"

#include <chrono>

#include <fmt/format.h>

namespace reload::tools {

namespace {

// Decodes one UTF-8 sequence at b[i], advancing i; false when it is malformed (overlong,
// surrogate, past U+10FFFF, truncated). RFC 3629's table of well-formed byte sequences.
bool next_code_point(wire::Bytes b, std::size_t& i, char32_t& cp) {
  const std::uint8_t c = b[i];
  std::size_t extra = 0;
  std::uint8_t lo = 0x80, hi = 0xbf;  // the range of the second byte
  if (c < 0x80) {
    cp = c;
    ++i;
    return true;
  } else if (c >= 0xc2 && c <= 0xdf) {
    extra = 1, cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    extra = 2, cp = c & 0x0f;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    extra = 3, cp = c & 0x07;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
  } else {
    return false;
  }
  if (i + extra >= b.size()) return false;  // truncated
  for (std::size_t k = 1; k <= extra; ++k) {
    const std::uint8_t d = b[i + k];
    if (k == 1 ? (d < lo || d > hi) : (d < 0x80 || d > 0xbf)) return false;
    cp = (cp << 6) | (d & 0x3f);
  }
  i += extra + 1;
  return true;
}

// Control characters (C0, DEL, C1) and line separators would break the one-line output.
bool printable_code_point(char32_t cp) {
  return cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp <= 0x9f) && cp != 0x2028 && cp != 0x2029;
}

std::string replicas_text(const std::vector<wire::NodeId>& replicas) {
  if (replicas.empty()) return "-";
  std::string out;
  for (const auto& r : replicas) {
    if (!out.empty()) out += ',';
    out += r.hex();
  }
  return out;
}

}  // namespace

std::string printable(wire::Bytes bytes) {
  const auto text = wire::as_string_view(bytes);
  bool ok = !text.empty() && !text.starts_with("hex:") && text.front() != ' ' && text.back() != ' ';
  for (std::size_t i = 0; ok && i < bytes.size();) {
    char32_t cp = 0;
    ok = next_code_point(bytes, i, cp) && printable_code_point(cp);
  }
  return ok ? std::string(text) : "hex:" + wire::to_hex(bytes);
}

std::string iso_time(std::uint64_t ms_since_epoch) {
  constexpr std::uint64_t last_of_9999 = 253402300799999;  // 9999-12-31T23:59:59.999Z
  if (ms_since_epoch > last_of_9999) return std::to_string(ms_since_epoch);
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds(static_cast<std::int64_t>(ms_since_epoch))};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count(), hms.subseconds().count());
}

std::optional<std::string> store_line(const StorageOperation& op, const node::StoreResult& result) {
  for (const auto& k : result.kinds) {
    if (k.kind != op.kind) continue;
    return fmt::format("stored {} at {} generation {} replicas {}", op.kind_label, op.resource.hex(), k.generation,
                       replicas_text(k.replicas));
  }
  return std::nullopt;
}

std::vector<std::string> fetch_lines(const StorageOperation& op, const wire::FetchAns& answer) {
  std::vector<std::string> lines;
  const auto prefix = fmt::format("{} {}", op.kind_label, op.resource.hex());
  for (const auto& k : answer.kind_responses) {
    if (k.kind != op.kind) continue;
    for (const auto& d : k.values) {
      const auto tail = fmt::format("stored {} lifetime {}", iso_time(d.storage_time), d.lifetime);
      // Fetch answers a missing value with exists=false (section 7.4.2.2): nothing to print.
      if (const auto* v = std::get_if<wire::DataValue>(&d.value)) {
        if (v->exists) lines.push_back(fmt::format("{} {} {}", prefix, printable(v->value), tail));
      } else if (const auto* a = std::get_if<wire::ArrayEntry>(&d.value)) {
        if (a->value.exists)
          lines.push_back(fmt::format("{} index {} {} {}", prefix, a->index, printable(a->value.value), tail));
      } else if (const auto* e = std::get_if<wire::DictionaryEntry>(&d.value)) {
        if (e->value.exists)
          lines.push_back(
              fmt::format("{} key {} {} {}", prefix, printable(e->key), printable(e->value.value), tail));
      } else if (const auto* r = std::get_if<wire::RawValue>(&d.value)) {
        lines.push_back(fmt::format("{} undecodable hex:{} {}", prefix, wire::to_hex(r->bytes), tail));
      }
    }
  }
  if (lines.empty()) lines.push_back(prefix + " none");
  return lines;
}

}  // namespace reload::tools
