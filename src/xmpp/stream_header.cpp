#include "xmpp/stream_header.hpp"

#include "xmpp/xml_writer.hpp"

namespace reload::xmpp {

StreamHeader read_stream_header(const StreamRoot& root) {
  StreamHeader h;
  const Element& e = root.element;
  h.from = e.attribute("from").value_or("");
  h.to = e.attribute("to").value_or("");
  h.id = e.attribute("id").value_or("");
  h.version = e.attribute("version").value_or("");
  h.lang = e.attribute("lang", ns::xml).value_or("");
  h.content_namespace = root.default_namespace.value_or("");
  return h;
}

namespace {

// A non-empty decimal integer, leading zeros ignored; nullopt if not one or absurdly large.
std::optional<unsigned> parse_version_number(std::string_view s) noexcept {
  if (s.empty()) return std::nullopt;
  unsigned value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    if (value > 100000) return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value;
}

}  // namespace

bool is_supported_version(std::string_view version) noexcept {
  auto dot = version.find('.');
  if (dot == std::string_view::npos) return false;
  auto major = parse_version_number(version.substr(0, dot));
  auto minor = parse_version_number(version.substr(dot + 1));
  return major && minor && *major == 1;
}

std::optional<stream_errc> check_stream_header(const StreamRoot& root,
                                               const StreamHeader& header) {
  if (!root.element.is(ns::streams, "stream")) return stream_errc::invalid_namespace;
  if (header.content_namespace != ns::client) return stream_errc::invalid_namespace;
  if (!is_supported_version(header.version)) return stream_errc::unsupported_version;
  return std::nullopt;
}

boost::system::error_code append_stream_header(std::string& out, const StreamHeader& header) {
  const std::size_t before = out.size();
  out += "<?xml version='1.0'?><stream:stream xmlns='";
  out += ns::client;
  out += "' xmlns:stream='";
  out += ns::streams;
  out += '\'';
  auto attribute = [&](std::string_view name, std::string_view value) {
    if (value.empty()) return boost::system::error_code{};
    out += ' ';
    out += name;
    out += "='";
    auto ec = append_escaped_attribute(out, value);
    out += '\'';
    return ec;
  };
  boost::system::error_code ec;
  if (!ec) ec = attribute("from", header.from);
  if (!ec) ec = attribute("to", header.to);
  if (!ec) ec = attribute("id", header.id);
  if (!ec) ec = attribute("version", header.version.empty() ? stream_version : header.version);
  if (!ec) ec = attribute("xml:lang", header.lang);
  if (ec) {
    out.resize(before);
    return ec;
  }
  out += '>';
  return {};
}

}  // namespace reload::xmpp
