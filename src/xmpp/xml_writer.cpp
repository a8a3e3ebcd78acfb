#include "xmpp/xml_writer.hpp"

#include <array>
#include <string>
#include <utility>
#include <vector>

namespace reload::xmpp {

namespace {

class XmlCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "xmpp.xml"; }
  std::string message(int ev) const override {
    switch (static_cast<xml_errc>(ev)) {
      case xml_errc::invalid_utf8: return "not well-formed UTF-8";
      case xml_errc::forbidden_character: return "character not allowed in XML 1.0";
      case xml_errc::invalid_name: return "not an XML name";
      case xml_errc::reserved_name: return "reserved XML name or namespace";
      case xml_errc::duplicate_attribute: return "duplicate attribute";
    }
    return "unknown XML writing error";
  }
};

constexpr std::string_view xmlns_ns = "http://www.w3.org/2000/xmlns/";

// Decodes the UTF-8 sequence at s[i], advancing i past it. Refuses overlong forms,
// surrogates and code points above U+10FFFF (RFC 3629), returning nullopt-like -1.
long decode_utf8(std::string_view s, std::size_t& i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  std::size_t len;
  long cp;
  unsigned char lo = 0x80, hi = 0xBF;  // the range allowed for the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // UTF-16 surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return -1;
  }
  if (s.size() - i < len) return -1;
  for (std::size_t k = 1; k < len; ++k) {
    const unsigned char b = byte(i + k);
    if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return -1;
    cp = (cp << 6) | (b & 0x3F);
  }
  i += len;
  return cp;
}

// XML 1.0 production [2] Char.
bool is_xml_char(long c) noexcept {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

// XML 1.0 (fifth edition) productions [4] NameStartChar and [4a] NameChar, without ':'.
constexpr bool is_name_start_char(long c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
         (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x2FF) ||
         (c >= 0x370 && c <= 0x37D) || (c >= 0x37F && c <= 0x1FFF) ||
         (c >= 0x200C && c <= 0x200D) || (c >= 0x2070 && c <= 0x218F) ||
         (c >= 0x2C00 && c <= 0x2FEF) || (c >= 0x3001 && c <= 0xD7FF) ||
         (c >= 0xF900 && c <= 0xFDCF) || (c >= 0xFDF0 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0xEFFFF);
}

constexpr bool is_name_char(long c) noexcept {
  return is_name_start_char(c) || c == '-' || c == '.' || (c >= '0' && c <= '9') ||
         c == 0xB7 || (c >= 0x300 && c <= 0x36F) || (c >= 0x203F && c <= 0x2040);
}

// The two above for ASCII, looked up: the names of stanzas are ASCII, and every name is
// checked at every write.
struct AsciiNameChars {
  std::array<bool, 128> start{}, inner{};
  constexpr AsciiNameChars() {
    for (int c = 0; c < 128; ++c) {
      start[c] = is_name_start_char(c);
      inner[c] = is_name_char(c);
    }
  }
};
constexpr AsciiNameChars ascii_name_chars;

// What a byte asks of append_escaped: nothing (most of every stanza, skipped in a tight
// loop), or a closer look.
constexpr std::array<bool, 256> plain_bytes = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[c] = true;
  for (char c : {'&', '<', '>', '\'', '"'}) plain[static_cast<unsigned char>(c)] = false;
  return plain;
}();

template <bool InAttribute>
boost::system::error_code append_escaped(std::string& out, std::string_view s) {
  std::size_t run = 0;  // start of the bytes not yet copied
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && plain_bytes[static_cast<unsigned char>(s[i])]) ++i;
    if (i == s.size()) break;
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const long cp = decode_utf8(s, i);
      if (cp < 0) return xml_errc::invalid_utf8;
      if (!is_xml_char(cp)) return xml_errc::forbidden_character;
      continue;
    }
    const char* replacement = nullptr;
    switch (c) {
      case '&': replacement = "&amp;"; break;
      case '<': replacement = "&lt;"; break;
      case '>': replacement = "&gt;"; break;  // also keeps "]]>" out of text
      case '\r': replacement = "&#xD;"; break;
      case '\'': replacement = InAttribute ? "&apos;" : nullptr; break;
      case '"': replacement = InAttribute ? "&quot;" : nullptr; break;
      case '\t': replacement = InAttribute ? "&#x9;" : nullptr; break;
      case '\n': replacement = InAttribute ? "&#xA;" : nullptr; break;
      default:
        if (c < 0x20) return xml_errc::forbidden_character;
    }
    if (replacement) {
      out.append(s.data() + run, i - run);
      out.append(replacement);
      run = i + 1;
    }
    ++i;
  }
  out.append(s.data() + run, i - run);
  return {};
}

class ElementWriter {
 public:
  explicit ElementWriter(std::string& out) : out_(out) {}

  boost::system::error_code write(const Element& e, const WriteContext& ctx) {
    if (!is_ncname(e.name())) return xml_errc::invalid_name;
    if (e.ns() == xmlns_ns) return xml_errc::reserved_name;

    WriteContext inner = ctx;
    // Two namespaces are written with a prefix: `xml` is bound everywhere and may never be
    // the default namespace; `stream:` is what XMPP peers expect (RFC 6120 section 11.2.1).
    const std::string_view prefix = e.ns() == ns::streams ? "stream:"
                                    : e.ns() == ns::xml   ? "xml:"
                                                          : "";
    out_ += '<';
    out_ += prefix;
    out_ += e.name();

    if (prefix.empty() && e.ns() != ctx.default_ns) {
      if (auto ec = declare("xmlns", e.ns())) return ec;
      inner.default_ns = e.ns();
    }
    if (auto ec = write_attributes(e, inner)) return ec;

    if (e.children().empty()) {
      out_ += "/>";
      return {};
    }
    out_ += '>';
    for (const auto& child : e.children()) {
      if (const auto* text = std::get_if<std::string>(&child)) {
        if (auto ec = append_escaped<false>(out_, *text)) return ec;
      } else if (auto ec = write(std::get<Element>(child), inner)) {
        return ec;
      }
    }
    out_ += "</";
    out_ += prefix;
    out_ += e.name();
    out_ += '>';
    return {};
  }

 private:
  boost::system::error_code declare(std::string_view attribute, std::string_view uri) {
    out_ += ' ';
    out_ += attribute;
    out_ += "='";
    if (auto ec = append_escaped<true>(out_, uri)) return ec;
    out_ += '\'';
    return {};
  }

  // Writes the attributes, declaring the prefixes they need on this element; `inner` learns
  // whether `stream:` became bound here.
  boost::system::error_code write_attributes(const Element& e, WriteContext& inner) {
    const bool element_needs_stream = e.ns() == ns::streams;
    if (element_needs_stream && !inner.stream_prefix_bound) {
      if (auto ec = declare("xmlns:stream", ns::streams)) return ec;
      inner.stream_prefix_bound = true;
    }
    const auto& attrs = e.attributes();
    std::vector<std::string_view> generated;  // namespace URIs bound to ns0, ns1, ... here
    for (std::size_t k = 0; k < attrs.size(); ++k) {
      const Attribute& a = attrs[k];
      if (!is_ncname(a.name)) return xml_errc::invalid_name;
      if (a.ns == xmlns_ns || (a.ns.empty() && a.name == "xmlns")) return xml_errc::reserved_name;
      for (std::size_t j = 0; j < k; ++j)
        if (attrs[j].name == a.name && attrs[j].ns == a.ns) return xml_errc::duplicate_attribute;

      std::string prefix;
      if (a.ns.empty()) {
        // no prefix: unprefixed attributes are in no namespace
      } else if (a.ns == ns::xml) {
        prefix = "xml";
      } else if (a.ns == ns::streams) {
        if (!inner.stream_prefix_bound) {
          if (auto ec = declare("xmlns:stream", ns::streams)) return ec;
          inner.stream_prefix_bound = true;
        }
        prefix = "stream";
      } else {
        std::size_t index = 0;
        while (index < generated.size() && generated[index] != a.ns) ++index;
        prefix = "ns" + std::to_string(index);
        if (index == generated.size()) {
          generated.push_back(a.ns);
          if (auto ec = declare("xmlns:" + prefix, a.ns)) return ec;
        }
      }
      out_ += ' ';
      if (!prefix.empty()) {
        out_ += prefix;
        out_ += ':';
      }
      out_ += a.name;
      out_ += "='";
      if (auto ec = append_escaped<true>(out_, a.value)) return ec;
      out_ += '\'';
    }
    return {};
  }

  std::string& out_;
};

}  // namespace

const boost::system::error_category& xml_category() noexcept {
  static const XmlCategory c;
  return c;
}

bool is_ncname(std::string_view name) noexcept {
  if (name.empty()) return false;
  std::size_t i = 0;
  bool first = true;
  while (i < name.size()) {
    if (const unsigned char c = static_cast<unsigned char>(name[i]); c < 0x80) {
      if (!(first ? ascii_name_chars.start[c] : ascii_name_chars.inner[c])) return false;
      first = false;
      ++i;
      continue;
    }
    const long cp = decode_utf8(name, i);
    if (cp < 0) return false;
    if (first ? !is_name_start_char(cp) : !is_name_char(cp)) return false;
    first = false;
  }
  return true;
}

boost::system::error_code append_escaped_text(std::string& out, std::string_view text) {
  return append_escaped<false>(out, text);
}

boost::system::error_code append_escaped_attribute(std::string& out, std::string_view value) {
  return append_escaped<true>(out, value);
}

boost::system::error_code write_element(const Element& element, std::string& out,
                                        const WriteContext& context) {
  const std::size_t before = out.size();
  auto ec = ElementWriter(out).write(element, context);
  if (ec) out.resize(before);
  return ec;
}

boost::system::result<std::string> to_xml(const Element& element, const WriteContext& context) {
  std::string out;
  out.reserve(256);  // a chat message, without growing through 30, 60, 120 and 240 bytes
  if (auto ec = write_element(element, out, context)) return ec;
  return out;
}

}  // namespace reload::xmpp
