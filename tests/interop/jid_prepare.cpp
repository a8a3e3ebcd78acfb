// The JID preparation of src/xmpp as a filter, for oracles written in other languages
// (precis_oracle_test.py compares it with Debian's python3-precis-i18n).
//
// One request per input line: "<what> <hex of the UTF-8 input>", where <what> is localpart,
// resourcepart, domainpart or jid. Hex, so that any code point (newlines, NUL, ill-formed
// UTF-8) survives the pipe. One answer line per request:
//   ok <hex of the prepared part>            for the three parts
//   ok <hex local|-> <hex domain> <hex resource|->   for jid ("-": part absent)
//   err <message of the error, one line>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "xmpp/jid.hpp"
#include "xmpp/jid_domainpart.hpp"

namespace {

using namespace reload::xmpp;

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::string answer(const boost::system::result<std::string>& r) {
  return r ? "ok " + to_hex(*r) : "err " + r.error().message();
}

std::string answer(const boost::system::result<Jid>& r) {
  if (!r) return "err " + r.error().message();
  auto optional_hex = [](const std::optional<std::string>& s) { return s ? to_hex(*s) : "-"; };
  return "ok " + optional_hex(r->localpart()) + " " + to_hex(r->domainpart()) + " " +
         optional_hex(r->resourcepart());
}

std::string handle(std::string_view line) {
  auto space = line.find(' ');
  std::string_view what = line.substr(0, space);
  auto input =
      from_hex(space == std::string_view::npos ? std::string_view{} : line.substr(space + 1));
  if (!input) return "bad request";
  if (what == "localpart") return answer(prepare_localpart(*input));
  if (what == "resourcepart") return answer(prepare_resourcepart(*input));
  if (what == "domainpart") return answer(prepare_domainpart(*input));
  if (what == "jid") return answer(Jid::parse(*input));
  return "bad request";
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) std::cout << handle(line) << '\n';
  std::cout.flush();
  return std::cout ? 0 : 1;
}
